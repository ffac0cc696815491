public import Foundation
public import LedgerCore

/// HQ's feed to one province (DESIGN §7), or HQ's central intake log (`IntakeOrigin`, the same
/// engine under the central division's code): an append-only log of central-origin risk records that
/// HQ writes and signs, in the same Merkle, tile and checkpoint formats as the province ledgers,
/// with origin `creditsync.samr/hq/feed/<province>` and the province's suite. The province reads
/// it after each upload, verifies it, applies it and cosigns the checkpoint it accepted; HQ keeps
/// those cosignatures as proof of delivery.
///
/// Invariants a backend MUST keep: entries and checkpoints are append-only; one `append` stores
/// its entries, their tree hashes and the new signed checkpoint in one transaction, serialized per
/// province by the database; a change_id enters a feed once; a cosignature is stored only for a
/// stored checkpoint.
public protocol FeedStore: Sendable {
    var province: String { get }
    var origin: String { get }
    var suite: Suite { get }

    /// Appends the entries whose change_id the feed does not hold yet and signs one checkpoint
    /// over the new tree with `signer` (whose key name is `origin`), all in one transaction.
    /// When nothing is new, returns the latest checkpoint and appends nothing.
    func append(_ entries: [PreparedEntry], signer: any NoteSigner, now: Date) async throws -> FeedAppendResult

    /// The latest signed checkpoint (the empty tree's before the first append).
    func latestCheckpoint() async throws -> StoredCheckpoint
    /// The checkpoint to deliver to a province whose cursor is `cursor`: the largest stored one
    /// at most `maxEntries` past the cursor, else the smallest past it; nil when the cursor is at
    /// the latest. Checkpoints are signed per import chunk, so deliveries step through them.
    func nextCheckpoint(after cursor: UInt64, maxEntries: UInt64) async throws -> StoredCheckpoint?
    func checkpoint(size: UInt64) async throws -> StoredCheckpoint?
    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]]
    /// Where the entries of `changeIDs` are, for those the log holds (entries never move).
    func indexes(changeIDs: [String]) async throws -> [String: UInt64]
    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof
    /// When entry `index` was appended: the time of the first checkpoint that covers it.
    func appendedAt(index: UInt64) async throws -> Date?

    /// Stores the province's cosignature (verified by the caller) of the stored checkpoint of
    /// `size`; the same cosigner's second one for a size is ignored.
    func addCosignature(size: UInt64, signature: NoteSignature, time: UInt64) async throws
    /// The province's cosignatures, newest checkpoint first.
    func cosignatures() async throws -> [StoredReceipt]

    /// `fsck`, with the shared `LogVerifier`: every checkpoint verifies with `keys` (HQ's feed
    /// key) and agrees with its stored columns; the tree recomputed from the entries matches the
    /// stored tiles and every checkpoint; every entry is a record of this province. Throws
    /// `HQStorageError.corrupt` naming the first bad index.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report
}

public struct FeedAppendResult: Sendable, Equatable {
    public var appended: Int
    /// Entries whose change_id the feed already held (a re-import).
    public var duplicates: Int
    public var checkpoint: StoredCheckpoint

    public init(appended: Int, duplicates: Int, checkpoint: StoredCheckpoint) {
        self.appended = appended
        self.duplicates = duplicates
        self.checkpoint = checkpoint
    }
}
