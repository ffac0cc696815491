public import Foundation
public import LedgerCore
public import Mirroring

/// One province's mirror at HQ: a prefix of the province's signed log, filled only with entries
/// verified against its signed checkpoints, plus the checkpoints HQ accepted or saw and the
/// receipts it issued.
public protocol MirrorStore: Sendable {
    var province: String { get }
    var origin: String { get }
    var suite: Suite { get }

    /// Where the mirror stands, read in one transaction.
    func status() async throws -> MirrorStatus

    /// The add-checkpoint decision (C2SP tlog-witness semantics), taken inside the write
    /// transaction that stores its outcome: reads `CheckpointArbiter.Facts` there, calls `decide`
    /// and stores an accepted checkpoint, or keeps one the decision marks as seen. Serialized per
    /// province by the database, never by process memory.
    func submitCheckpoint(_ checkpoint: VerifiedCheckpoint, now: Date,
                          decide: @escaping @Sendable (CheckpointArbiter.Facts) -> CheckpointArbiter.Decision) async throws -> CheckpointArbiter.Decision

    /// Runs `body` holding this province's upload lease: one upload per province at a time
    /// across every HQ process on this storage. Throws `HQStorageError.uploadInProgress` if
    /// another holds it. The lease ends with `body`, or with its holder's process or connection.
    func withUploadLease<T: Sendable>(_ body: @Sendable (any MirrorWriter) async throws -> T) async throws -> T

    /// HQ's receipt for the checkpoint of `size`: the stored one by this cosigner, or a new one
    /// from `cosign`, issued only if the checkpoint and every entry up to it are stored (checked
    /// in the transaction that stores the receipt).
    func receipt(size: UInt64, cosigner: String, keyID: UInt32, now: Date,
                 cosign: @escaping @Sendable (Checkpoint) throws -> NoteSignature) async throws -> NoteSignature

    // MARK: Reading

    func checkpoint(size: UInt64) async throws -> StoredCheckpoint?
    func checkpoints() async throws -> [StoredCheckpoint]
    func receipts(size: UInt64?) async throws -> [StoredReceipt]
    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]]
    func root(size: UInt64) async throws -> Hash
    func inclusionProof(index: UInt64, treeSize: UInt64) async throws -> InclusionProof
    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof
    /// The latest entry of a business record among the first `size` entries (the state projection
    /// at that size), or nil.
    func state(category: String, id: String, size: UInt64?) async throws -> StateEntry?
    /// The state at `size` in key order (category, then id, by bytes): up to `limit` records
    /// after the key `after`, each the latest entry of its key among the first `size` entries.
    /// Audits page through it with flat memory.
    func state(size: UInt64, after: StateKey?, limit: Int) async throws -> [StateEntry]
    /// Entries the province's signed log holds twice under one change_id (an audit finding).
    func duplicateChanges(limit: Int) async throws -> [DuplicateChange]

    /// `fsck`: recomputes everything from the entries with the shared `LogVerifier`; every
    /// stored checkpoint must verify with `keys`. Throws `HQStorageError.corrupt`.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report
}

/// Writes to a mirror while holding its upload lease.
public protocol MirrorWriter: Sendable {
    /// Where an upload ending at `end` starts: the next entry, the tree's right edge to verify
    /// packages from, and the stored checkpoint of size `end` they must verify against.
    func start(end: UInt64) async throws -> UploadStart

    /// Appends verified entries at the mirror's next entry (compare-and-set: refuses with
    /// `conflict` if `batch.start` is not it), integrates them into the tree with the shared
    /// `TreeIntegration`, and refuses unless the new root is the verified one, all in one
    /// transaction. Entries repeating an earlier change_id are stored (they are what the province
    /// signed) and reported.
    func append(_ batch: VerifiedBatch, now: Date) async throws -> AppendOutcome
}
