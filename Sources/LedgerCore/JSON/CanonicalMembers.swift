import Foundation

/// The top-level members of a JSON object already in RFC 8785 canonical form, found by one scan
/// of its bytes without building a tree: each member's key (without quotes) and value as byte
/// ranges. For bytes a ledger or register stored (verified canonical when they arrived); it
/// checks structure only as far as it needs to, and returns nil for anything that is not an
/// object. Written by hand: a tree parse costs allocations per string, and an audit compares
/// millions of stored records whose content is a slice of their bytes.
public enum CanonicalMembers {
    public struct Member: Sendable, Equatable {
        /// The key's bytes between its quotes (escapes, if any, left as they are).
        public var key: Range<Int>
        public var value: Range<Int>
    }

    public static func scan(_ data: [UInt8]) -> [Member]? {
        scan(data, in: data.startIndex..<data.endIndex)
    }

    /// The members of the object that spans `range` of `data` (a nested object's value range,
    /// as a scan of its parent gives it); ranges are positions in `data`.
    public static func scan(_ data: [UInt8], in range: Range<Int>) -> [Member]? {
        guard range.lowerBound >= 0, range.upperBound <= data.count else { return nil }
        // Through a buffer pointer, without the array's bounds check on every byte.
        return data.withUnsafeBufferPointer { scan($0, in: range) }
    }

    static func scan(_ data: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> [Member]? {
        guard range.count >= 2, data[range.lowerBound] == UInt8(ascii: "{"), data[range.upperBound - 1] == UInt8(ascii: "}") else { return nil }
        var members: [Member] = []
        members.reserveCapacity(12)
        let end = range.upperBound - 1
        var position = range.lowerBound + 1
        while position < end {
            guard data[position] == UInt8(ascii: "\""), let keyEnd = stringEnd(data, from: position) else { return nil }
            let key = (position + 1)..<(keyEnd - 1)
            guard keyEnd < end, data[keyEnd] == UInt8(ascii: ":") else { return nil }
            let valueStart = keyEnd + 1
            guard let valueEnd = valueEnd(data, from: valueStart), valueEnd <= end else { return nil }
            members.append(Member(key: key, value: valueStart..<valueEnd))
            position = valueEnd
            if position < end {
                guard data[position] == UInt8(ascii: ","), position + 1 < end else { return nil }
                position += 1
            }
        }
        return members
    }

    /// The index just past the string that starts (with its quote) at `start`.
    static func stringEnd(_ data: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start + 1
        while position < data.count {
            switch data[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""): return position + 1
            default: position += 1
            }
        }
        return nil
    }

    /// The index just past the value that starts at `start`: a string, or anything up to the
    /// comma or brace that closes it at depth 0.
    static func valueEnd(_ data: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < data.count else { return nil }
        if data[start] == UInt8(ascii: "\"") { return stringEnd(data, from: start) }
        if data[start] != UInt8(ascii: "{"), data[start] != UInt8(ascii: "[") {
            // A number or a literal: its own characters, up to the comma or brace after it.
            var position = start
            while position < data.count, Self.isScalarByte(data[position]) { position += 1 }
            guard position > start, position < data.count, data[position] == UInt8(ascii: ",") || data[position] == UInt8(ascii: "}") else { return nil }
            return position
        }
        var depth = 0
        var position = start
        while position < data.count {
            switch data[position] {
            case UInt8(ascii: "\""):
                guard let end = stringEnd(data, from: position) else { return nil }
                position = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return position }
                depth -= 1
                if depth == 0 { return position + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return position }
            default:
                break
            }
            position += 1
        }
        return nil
    }

    /// The bytes of numbers and literals. A switch, not a `Set`: hashing each byte was 2% of an
    /// audit's CPU.
    @inline(__always)
    static func isScalarByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"),
             UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "n"):
            true
        default:
            false
        }
    }

    /// `{"key":value,…}` of the members whose keys `keep` accepts, in their order: the canonical
    /// bytes of that sub-object (a subset of sorted members stays sorted).
    public static func subset(_ bytes: [UInt8], _ members: [Member], keep: (ArraySlice<UInt8>) -> Bool) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "{")]
        output.reserveCapacity(bytes.count)
        for member in members where keep(bytes[member.key]) {
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: bytes[(member.key.lowerBound - 1)..<member.value.upperBound])
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// A string member's text, when it has no escapes (the common case); nil otherwise.
    public static func plainString(_ bytes: [UInt8], _ value: Range<Int>) -> String? {
        guard value.count >= 2, value.lowerBound >= 0, value.upperBound <= bytes.count, bytes[value.lowerBound] == UInt8(ascii: "\"") else { return nil }
        let inner = (value.lowerBound + 1)..<(value.upperBound - 1)
        return bytes.withUnsafeBufferPointer { data in
            // memchr, not `contains` on a slice: this runs for every string a check reads.
            guard inner.isEmpty || memchr(data.baseAddress! + inner.lowerBound, Int32(UInt8(ascii: "\\")), inner.count) == nil else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: data[inner]), as: UTF8.self)
        }
    }
}
