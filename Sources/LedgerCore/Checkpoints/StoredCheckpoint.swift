public import Foundation

/// A checkpoint as a log stores it: its size and root columns and the signed note exactly as
/// it was signed. Its signature was verified before it was stored; readers that act on it
/// (fsck above all) verify it again with the keys they trust.
public struct StoredCheckpoint: Sendable, Equatable {
    public var size: UInt64
    public var root: Hash
    public var note: String
    public var storedAt: Date

    public init(size: UInt64, root: Hash, note: String, storedAt: Date) {
        self.size = size
        self.root = root
        self.note = note
        self.storedAt = storedAt
    }

    /// The checkpoint body, parsed (the stored note was verified when stored).
    public var checkpoint: Checkpoint {
        get throws { try UnverifiedCheckpoint(parsing: note).checkpoint }
    }
}
