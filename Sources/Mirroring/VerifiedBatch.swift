public import LedgerCore

/// Entries of an upload that verified against the province's signed checkpoint: consecutive
/// from `start`, producing `root` at their end. Only `PackageVerifier` makes these, and HQ's
/// storage accepts nothing else.
public struct VerifiedBatch: Sendable {
    public let start: UInt64
    public private(set) var entries: [PreparedEntry]
    /// The tree root after the last entry.
    public private(set) var root: Hash

    init(start: UInt64, entries: [PreparedEntry], root: Hash) {
        self.start = start
        self.entries = entries
        self.root = root
    }

    public var end: UInt64 { start + UInt64(entries.count) }
    public var isEmpty: Bool { entries.isEmpty }

    /// Extends this batch with the verified batch that follows it.
    public mutating func append(_ next: VerifiedBatch) {
        precondition(next.start == end, "verified batches are consecutive")
        entries.append(contentsOf: next.entries)
        root = next.root
    }
}
