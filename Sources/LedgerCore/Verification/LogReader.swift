/// One stored entry as `LogFsck` reads it.
public struct StoredEntry: Sendable {
    public var index: UInt64
    public var changeID: String
    public var data: [UInt8]
    /// The record the entry is filed under, where the log keeps that beside the bytes (HQ's
    /// mirrors keep category and id columns); nil where it does not.
    public var filedUnder: StateKey?

    public init(index: UInt64, changeID: String, data: [UInt8], filedUnder: StateKey? = nil) {
        self.index = index
        self.changeID = changeID
        self.data = data
        self.filedUnder = filedUnder
    }
}

/// The read seam `fsck` runs over: one unchanging snapshot of a stored log, whatever the backend
/// (SQLite, PostgreSQL) and the role (a province's ledger, HQ's mirror of it, HQ's feed to it).
/// A backend only reads rows; every check is `LogFsck`'s. What a role adds beyond entries,
/// tiles and checkpoints (a state projection, recorded repeats) answers nil where the log keeps
/// no such thing.
public protocol LogReader: Sendable {
    /// Every stored checkpoint, in size order.
    func checkpoints() async throws -> [StoredCheckpoint]
    /// Up to `limit` stored entries with index ≥ `start`, in index order (gaps included as they are).
    func entries(from start: UInt64, limit: Int) async throws -> [StoredEntry]
    /// The stored tiles among `keys`.
    func tiles(_ keys: Set<TileKey>) async throws -> [TileKey: [UInt8]]
    /// Every stored tile with its hash count.
    func tileCounts() async throws -> [(key: TileKey, count: Int)]
    /// The state projection's items for `keys` (absent ones left out); nil without a projection.
    func stateItems(_ keys: Set<StateKey>) async throws -> [StateKey: LogVerifier.StoredState]?
    /// The state projection's row count; nil without a projection.
    func stateItemCount() async throws -> Int?
    /// The first entry whose record of repeated change ids is wrong (a recorded repeat that is
    /// not one, or a repeat not recorded); nil when all are right or the log records none.
    func firstMisrecordedRepeat() async throws -> UInt64?
}
