public import Foundation
import GRDB
public import LedgerCore

/// A province's own signed log: one SQLite file (WAL).
///
/// The log is append-only (triggers refuse UPDATE and DELETE); proofs read O(log n) stored tree
/// hashes; one append batch (entries, tree hashes, state projection, checkpoint) commits in one
/// transaction, so a crash at any instant leaves the last committed checkpoint valid. Reads run
/// through GRDB's async access, off the cooperative thread pool. (HQ's mirrors of these logs
/// live behind HQ's own storage seam, not here.)
public final class LedgerStore: Sendable {
    public let path: String
    public let metadata: LedgerMetadata
    public let suite: Suite
    let pool: DatabasePool
    /// Keeps the WAL short without making appends wait for it.
    let checkpointer: WALCheckpointer

    public static let fileName = "ledger.sqlite"

    private init(path: String, pool: DatabasePool, metadata: LedgerMetadata, suite: Suite) throws {
        guard metadata.suite == suite.id else {
            throw LedgerStoreError(.wrongSuite, "\(path) is a \(metadata.suite.rawValue) ledger; it cannot be opened as \(suite.id.rawValue)",
                                   hint: "a ledger's suite is fixed when it is created; open it with --suite \(metadata.suite.rawValue) or leave --suite out")
        }
        guard metadata.role != .mirror else {
            throw LedgerStoreError(.wrongRole, "\(path) is an HQ mirror file of an earlier CreditSync format, not a province ledger",
                                   hint: "HQ keeps mirrors behind its storage backend now; re-create HQ's data with `creditsync hq init` and let provinces sync again")
        }
        self.path = path
        self.pool = pool
        self.checkpointer = try WALCheckpointer(path: path)
        self.metadata = metadata
        self.suite = suite
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        // The schema's REFERENCES clauses document the links; enforcing them would probe the
        // entry table on every state write. `verify` checks them instead.
        configuration.foreignKeysEnabled = false
        // Another process (a CLI reading while a sync writes) may hold the write lock for a
        // batch; wait for it rather than fail.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: a receipt or checkpoint must survive power loss once committed.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Checkpoints run beside the writer (WALCheckpointer); this is the backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
        }
        return configuration
    }

    /// Creates a new province ledger file, signed by `signer`, with a checkpoint of the empty
    /// tree; fails if one exists. Metadata, the first key and the first checkpoint commit in one
    /// transaction: a crash leaves either no ledger or a complete empty one.
    public static func create(at path: String, metadata: LedgerMetadata, suite: Suite, signer: any NoteSigner, now: Date) throws -> LedgerStore {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LedgerStoreError(.alreadyExists, "\(path) already exists", hint: "choose a new directory, or use the existing ledger")
        }
        guard metadata.role != .mirror else {
            throw LedgerStoreError(.wrongRole, "only province ledgers and HQ feeds are created here", hint: "HQ creates its mirrors through its storage backend")
        }
        guard signer.verifierKey == metadata.verifierKey else {
            throw LedgerStoreError(.keyMismatch, "the signing key \(signer.verifierKey) is not the ledger's key \(metadata.verifierKey)",
                                   hint: "create the ledger with the key it names")
        }
        let pool = try DatabasePool(path: path, configuration: configuration())
        try LedgerSchema.migrator.migrate(pool)
        let genesis = try VerifiedCheckpoint.sign(
            Checkpoint(origin: metadata.origin, size: 0, root: suite.treeHasher.emptyRoot, suite: suite.id), with: signer)
        try pool.write { db in
            for (key, value) in metadata.rows {
                try db.execute(sql: "INSERT INTO ledger_meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            try insertKey(metadata.verifierKey, fromSize: 0, rotationNote: nil, db: db, now: now)
            try insertCheckpoint(genesis, db: db, now: now)
        }
        return try LedgerStore(path: path, pool: pool, metadata: metadata, suite: suite)
    }

    /// Reads a ledger file's metadata without opening it for use.
    public static func readMetadata(at path: String) throws -> LedgerMetadata {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LedgerStoreError(.notALedger, "no ledger at \(path)", hint: "create one with `creditsync province init --ledger DIR --province CODE`")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let rows: [String: String] = try queue.read { db in
            guard try db.tableExists("ledger_meta") else { return [:] }
            return try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM ledger_meta").map { ($0["key"], $0["value"]) })
        }
        return try LedgerMetadata(rows: rows, path: path)
    }

    /// Opens an existing ledger; `resolve` maps its recorded suite to an implementation.
    public static func open(at path: String, resolve: (SuiteID) -> Suite) throws -> LedgerStore {
        let metadata = try readMetadata(at: path)
        return try open(at: path, suite: resolve(metadata.suite))
    }

    /// Opens an existing ledger that must be of `suite`.
    public static func open(at path: String, suite: Suite) throws -> LedgerStore {
        let metadata = try readMetadata(at: path)
        let pool = try DatabasePool(path: path, configuration: configuration())
        try LedgerSchema.migrator.migrate(pool)
        return try LedgerStore(path: path, pool: pool, metadata: metadata, suite: suite)
    }

    // MARK: - Reading

    /// Number of entries in the log.
    public func size() async throws -> UInt64 {
        try await pool.read { db in try Self.entryCount(db) }
    }

    static func entryCount(_ db: Database) throws -> UInt64 {
        try SQLiteInteger.size(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
    }

    /// The canonical bytes of entry `index`.
    public func entry(at index: UInt64) async throws -> [UInt8] {
        let key = try SQLiteInteger.from(index)
        return try await pool.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT data FROM entry WHERE idx = ?", arguments: [key]) else {
                throw LedgerStoreError(.indexOutOfRange, "there is no entry \(index); the log has \(try Self.entryCount(db)) entries",
                                       hint: "indexes run from 0 to size − 1")
            }
            return [UInt8](data)
        }
    }

    /// Entries [start, end) in order, read in one transaction. Use for bounded ranges.
    public func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] {
        let (low, high) = (try SQLiteInteger.from(start), try SQLiteInteger.from(end))
        return try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT data FROM entry WHERE idx >= ? AND idx < ? ORDER BY idx",
                              arguments: [low, high]).map { [UInt8]($0) }
        }
    }

    /// Where the entries of `changeIDs` are, for those the log holds.
    public func indexes(changeIDs: [String]) async throws -> [String: UInt64] {
        guard !changeIDs.isEmpty else { return [:] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT idx FROM entry WHERE change_id = ?")
            var found: [String: UInt64] = [:]
            for id in changeIDs {
                if let index = try Int64.fetchOne(statement, arguments: [id]) { found[id] = try SQLiteInteger.size(index) }
            }
            return found
        }
    }

    /// The latest checkpoint, its signature verified again on the way out.
    public func latestCheckpoint() async throws -> VerifiedCheckpoint? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1").map { try verifiedCheckpoint($0, db: db) }
        }
    }

    /// The checkpoint of exactly `size`, if one was stored.
    public func checkpoint(size: UInt64) async throws -> VerifiedCheckpoint? {
        let key = try SQLiteInteger.from(size)
        return try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT note FROM checkpoint WHERE size = ?", arguments: [key]).map { try verifiedCheckpoint($0, db: db) }
        }
    }

    func verifiedCheckpoint(_ note: String, db: Database) throws -> VerifiedCheckpoint {
        do {
            return try Self.keyHistory(db, suite: suite).verify(UnverifiedCheckpoint(parsing: note), suite: suite.id)
        } catch {
            throw LedgerStoreError.corrupt("a stored checkpoint does not verify: \(error)", index: nil)
        }
    }

    /// One state item: the latest content of a business record.
    public struct StateItem: Sendable, Equatable {
        public var category: String
        public var id: String
        public var contentHash: Hash
        public var lastIndex: UInt64
        public var revoked: Bool
    }

    public func state(category: String, id: String) async throws -> StateItem? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT content_hash, last_index, revoked FROM state WHERE category = ? AND id = ?",
                                             arguments: [category, id]) else { return nil }
            let hash: Data = row["content_hash"]
            return StateItem(category: category, id: id, contentHash: Hash(hash), lastIndex: try SQLiteInteger.size(row["last_index"]),
                             revoked: row["revoked"] as Int64 == 1)
        }
    }

    /// Number of state items (distinct business records).
    public func stateCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM state") ?? 0 }
    }

    // MARK: - Writing helpers

    static func insertCheckpoint(_ checkpoint: VerifiedCheckpoint, db: Database, now: Date) throws {
        try db.execute(sql: "INSERT INTO checkpoint (size, root, note, stored_at) VALUES (?, ?, ?, ?)",
                       arguments: [try SQLiteInteger.from(checkpoint.size), Data(checkpoint.root.bytes), checkpoint.text, Int64(now.timeIntervalSince1970)])
    }

    /// Returns once the WAL checkpoints asked for so far have run.
    public func waitForCheckpoints() {
        checkpointer.waitUntilIdle()
    }

    deinit {
        // The checkpointer's connection first, so the pool's writer is the file's last
        // connection, which checkpoints everything and removes the WAL.
        try? checkpointer.close()
    }

    /// Closes the file. Further use is a programming error.
    public func close() throws {
        try checkpointer.close()
        try pool.close()
    }
}
