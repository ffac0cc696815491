import Foundation
import LedgerCore

/// The body of `POST …/checkpoint`, in C2SP tlog-witness `add-checkpoint` form: an `old <size>`
/// line, the consistency proof from that size one base64 hash per line, a blank line, then the
/// signed checkpoint.
public struct AddCheckpointRequest: Sendable, Equatable {
    public var oldSize: UInt64
    public var proof: [Hash]
    public var checkpoint: String

    public static let maximumSize = 64 * 1024

    public init(oldSize: UInt64, proof: [Hash], checkpoint: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpoint = checkpoint
    }

    public var body: String {
        "old \(oldSize)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + checkpoint
    }

    public init(parsing text: String) throws(SyncProtocolError) {
        guard text.utf8.count <= Self.maximumSize else {
            throw SyncProtocolError(.tooLarge, "add-checkpoint body is over \(Self.maximumSize) bytes")
        }
        guard let blank = text.range(of: "\n\n") else {
            throw SyncProtocolError(.malformed, "add-checkpoint body has no blank line before the checkpoint")
        }
        let head = text[text.startIndex..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = head.first, first.hasPrefix("old "), let old = UInt64(first.dropFirst(4)), String(old) == first.dropFirst(4) else {
            throw SyncProtocolError(.malformed, "add-checkpoint body must start with \"old <size>\"")
        }
        var proof: [Hash] = []
        for line in head.dropFirst() {
            guard let hash = Base64.decode(line).flatMap(Hash.init(validating:)) else {
                throw SyncProtocolError(.malformed, "consistency proof line is not a base64 32-byte hash")
            }
            proof.append(hash)
        }
        guard proof.count <= 63 else { throw SyncProtocolError(.malformed, "more than 63 consistency proof lines") }
        self.init(oldSize: old, proof: proof, checkpoint: String(text[blank.upperBound...]))
    }
}
