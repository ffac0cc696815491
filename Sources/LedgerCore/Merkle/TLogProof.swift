import Foundation

/// A C2SP `tlog-proof` (c2sp.org/tlog-proof@v1): an entry's index, its inclusion proof and the
/// checkpoint it leads to, verbatim with its signatures, in one offline-verifiable text:
///
/// ```
/// c2sp.org/tlog-proof@v1
/// index <N>
/// <base64 hash>…
///
/// <signed checkpoint>
/// ```
///
/// We write no `extra` line; parsing accepts one and keeps its bytes (C2SP: unauthenticated).
public struct TLogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public var index: UInt64
    public var hashes: [Hash]
    /// The signed checkpoint note, exactly as the log (and its cosigners) signed it.
    public var checkpoint: String
    public var extra: [UInt8]?

    public init(index: UInt64, hashes: [Hash], checkpoint: String, extra: [UInt8]? = nil) {
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
        self.extra = extra
    }

    public var text: String {
        var text = Self.header + "\n"
        if let extra { text += "extra \(Base64.encode(extra))\n" }
        text += "index \(index)\n"
        for hash in hashes { text += hash.base64 + "\n" }
        return text + "\n" + checkpoint
    }

    public init(parsing text: String) throws(LedgerCoreError) {
        guard let blank = text.range(of: "\n\n") else {
            throw LedgerCoreError(.proofInvalid, "a tlog-proof has a blank line before its checkpoint")
        }
        var lines = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(Self.header) else {
            throw LedgerCoreError(.proofInvalid, "a tlog-proof starts with the line \(Self.header)")
        }
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let bytes = Base64.decode(line.dropFirst("extra ".count)) else {
                throw LedgerCoreError(.proofInvalid, "the tlog-proof's extra line is not base64")
            }
            extra = bytes
            lines = lines.dropFirst()
        }
        guard let indexLine = lines.popFirst(), indexLine.hasPrefix("index "),
              let index = LogLimits.parseSize(indexLine.dropFirst("index ".count)) else {
            throw LedgerCoreError(.proofInvalid, "the tlog-proof has no valid `index N` line")
        }
        var hashes: [Hash] = []
        for line in lines {
            guard let bytes = Base64.decode(line), let hash = Hash(validating: bytes) else {
                throw LedgerCoreError(.proofInvalid, "a tlog-proof hash line is not base64 of 32 bytes")
            }
            hashes.append(hash)
        }
        self.init(index: index, hashes: hashes, checkpoint: String(text[blank.upperBound...]), extra: extra)
    }
}
