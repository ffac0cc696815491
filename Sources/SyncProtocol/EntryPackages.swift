public import LedgerCore
public import Mirroring

/// The canonical sequence of entry packages for an upload of [start, end): aligned at multiples
/// of 256 as C2SP tlog-mirror aligns them. Package i covers
/// [max(start, s + 256i), min(end, s + 256(i+1))) with s = start rounded down.
public struct PackagePlan: Sequence, Sendable {
    public let start: UInt64
    public let end: UInt64

    public init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = Swift.max(start, end)
    }

    public func makeIterator() -> AnyIterator<Range<UInt64>> {
        var next = start
        let end = self.end
        return AnyIterator {
            guard next < end else { return nil }
            let boundary = (next / SyncAPI.packageWidth + 1) * SyncAPI.packageWidth
            let range = next..<Swift.min(end, boundary)
            next = range.upperBound
            return range
        }
    }
}

/// The proof line closing a package: a JSON array of base64 hashes, the RFC 9162 consistency
/// proof from the package's end to the upload's target size (empty when they are equal).
public enum ProofLine {
    public static func encode(_ hashes: [Hash]) -> [UInt8] {
        CanonicalJSON.encode(.array(hashes.map { .string($0.base64) }))
    }

    public static func decode(_ line: [UInt8]) throws(SyncProtocolError) -> [Hash] {
        guard line.first == UInt8(ascii: "["), case .array(let items)? = try? JSONParser.parse(line), items.count <= 63 else {
            throw SyncProtocolError(.malformed, "expected a proof line (a JSON array of at most 63 base64 hashes)")
        }
        var hashes: [Hash] = []
        for item in items {
            guard let text = item.stringValue, let hash = Base64.decode(text).flatMap(Hash.init(validating:)) else {
                throw SyncProtocolError(.malformed, "proof line holds something other than base64 32-byte hashes")
            }
            hashes.append(hash)
        }
        return hashes
    }
}

/// Turns the lines of an upload body into packages: `range.count` canonical entry lines of the
/// province, then one proof line. A pure state machine: feed lines, get packages.
public struct UploadDecoder {
    public let province: String
    public let end: UInt64
    private var plan: AnyIterator<Range<UInt64>>
    private var current: Range<UInt64>?
    private var records: [ChangeRecord] = []
    private var bytes = 0

    public init(start: UInt64, end: UInt64, province: String) {
        self.province = province
        self.end = end
        self.plan = PackagePlan(start: start, end: end).makeIterator()
        self.current = plan.next()
    }

    /// True once every package of the plan has arrived.
    public var isComplete: Bool { current == nil }

    /// Index of the next entry line expected.
    public var nextIndex: UInt64 { current.map { $0.lowerBound + UInt64(records.count) } ?? end }

    /// Consumes one line; returns a package when its proof line completes it.
    public mutating func consume(_ line: [UInt8]) throws(SyncProtocolError) -> EntryPackage? {
        guard let range = current else {
            throw SyncProtocolError(.malformed, "data after the last package (the upload ends at \(end))")
        }
        if records.count < range.count {
            let index = range.lowerBound + UInt64(records.count)
            do {
                records.append(try ChangeRecord(canonicalEntry: line, province: province))
            } catch {
                throw SyncProtocolError(error.codeValue == .recordTooLarge ? .tooLarge : .malformed, "entry \(index): \(error.message)")
            }
            bytes += line.count
            return nil
        }
        let proof = try ProofLine.decode(line)
        let package = EntryPackage(range: range, records: records, proof: proof, byteCount: bytes)
        records.removeAll(keepingCapacity: true)
        bytes = 0
        current = plan.next()
        return package
    }
}

/// Splits a byte stream into lines of at most `maximumLength` bytes.
public struct LineSplitter {
    public let maximumLength: Int
    private var partial: [UInt8] = []

    public init(maximumLength: Int = SyncAPI.maximumLineLength) {
        self.maximumLength = maximumLength
    }

    /// Bytes received after the last complete line.
    public var pendingBytes: Int { partial.count }

    /// Feeds bytes; calls `line` for each complete line (without its newline).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ line: ([UInt8]) throws -> Void) throws {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                partial.append(contentsOf: bytes[start...])
                guard partial.count <= maximumLength else { throw tooLong() }
                return
            }
            if partial.isEmpty {
                guard newline - start <= maximumLength else { throw tooLong() }
                try line(Array(bytes[start..<newline]))
            } else {
                partial.append(contentsOf: bytes[start..<newline])
                guard partial.count <= maximumLength else { throw tooLong() }
                let complete = partial
                partial.removeAll(keepingCapacity: true)
                try line(complete)
            }
            start = newline + 1
        }
    }

    public mutating func feed(_ bytes: [UInt8], _ line: ([UInt8]) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, line) }
    }

    private func tooLong() -> SyncProtocolError {
        SyncProtocolError(.tooLarge, "a line of the upload is longer than \(maximumLength) bytes")
    }
}
