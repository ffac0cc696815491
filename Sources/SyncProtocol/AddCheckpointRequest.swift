import Foundation
public import LedgerCore

/// The body of `POST …/checkpoint`, in C2SP tlog-witness `add-checkpoint` form: an `old <size>`
/// line, the consistency proof from that size one base64 hash per line, a blank line, then the
/// signed checkpoint. Parsed as unverified client data: nothing in it is trusted until the
/// checkpoint's signature and the proof have been checked.
public struct AddCheckpointRequest: Sendable, Equatable {
    public var oldSize: UInt64
    public var proof: [Hash]
    public var checkpoint: String

    public static let maximumSize = 64 * 1024
    /// A consistency proof between trees below 2^63 has at most 63 hashes (RFC 9162 §2.1.4).
    public static let maximumProofHashes = 63

    public init(oldSize: UInt64, proof: [Hash], checkpoint: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpoint = checkpoint
    }

    public var body: String {
        "old \(oldSize)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + checkpoint
    }

    /// Parses a body as received: it must be valid UTF-8 (a replacement character must never
    /// stand in for a byte the province signed).
    public init(parsing bytes: some Collection<UInt8>) throws(SyncProtocolError) {
        guard bytes.count <= Self.maximumSize else {
            throw SyncProtocolError(.tooLarge, "add-checkpoint body is over \(Self.maximumSize) bytes")
        }
        guard let text = String(validating: Array(bytes), as: UTF8.self) else {
            throw SyncProtocolError(.malformed, "add-checkpoint body is not valid UTF-8")
        }
        try self.init(parsing: text)
    }

    public init(parsing text: String) throws(SyncProtocolError) {
        guard text.utf8.count <= Self.maximumSize else {
            throw SyncProtocolError(.tooLarge, "add-checkpoint body is over \(Self.maximumSize) bytes")
        }
        guard let blank = text.range(of: "\n\n") else {
            throw SyncProtocolError(.malformed, "add-checkpoint body has no blank line before the checkpoint")
        }
        let head = text[text.startIndex..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = head.first, first.hasPrefix("old "), let old = LogLimits.parseSize(first.dropFirst(4)) else {
            throw SyncProtocolError(.malformed, "add-checkpoint body must start with \"old <size>\", a decimal size of at most \(LogLimits.maximumSize)")
        }
        guard head.count - 1 <= Self.maximumProofHashes else {
            throw SyncProtocolError(.malformed, "more than \(Self.maximumProofHashes) consistency proof lines")
        }
        var proof: [Hash] = []
        for line in head.dropFirst() {
            guard let hash = Hash(base64: line) else {
                throw SyncProtocolError(.malformed, "consistency proof line is not a base64 32-byte hash")
            }
            proof.append(hash)
        }
        self.init(oldSize: old, proof: proof, checkpoint: String(text[blank.upperBound...]))
    }
}
