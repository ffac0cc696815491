public import LedgerCore
/// Where a mirror stands.
public struct MirrorStatus: Sendable, Equatable {
    /// Entries stored (all verified against a signed checkpoint).
    public var nextEntry: UInt64
    /// The latest signed checkpoint accepted (may be ahead of the entries while an upload runs).
    public var pending: StoredCheckpoint?
    /// The latest checkpoint the stored entries reach: the mirror checkpoint.
    public var complete: StoredCheckpoint?
    public var receipts: Int

    public init(nextEntry: UInt64, pending: StoredCheckpoint?, complete: StoredCheckpoint?, receipts: Int) {
        self.nextEntry = nextEntry
        self.pending = pending
        self.complete = complete
        self.receipts = receipts
    }

    public var size: UInt64 { complete?.size ?? 0 }
    public var pendingSize: UInt64 { pending?.size ?? 0 }
}
