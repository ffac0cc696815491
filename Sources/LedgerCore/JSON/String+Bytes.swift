#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Whether both strings have the same UTF-8 bytes: JSON keys and values are compared so, not
    /// by Swift's `==` (Unicode canonical equivalence). A `memcmp` over the contiguous storage of
    /// native strings; `utf8.elementsEqual` iterates a byte at a time and was 12% of an audit's
    /// time (perf, 200,000 records).
    @inlinable
    public func hasSameBytes(as other: String) -> Bool {
        var left = self
        var right = other
        return left.withUTF8 { a in
            right.withUTF8 { b in a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
        }
    }
}
