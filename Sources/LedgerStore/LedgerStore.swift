import Foundation
import GRDB
import LedgerCore

/// One ledger file (SQLite, WAL): a province's own signed log, or HQ's mirror of one.
///
/// The log is append-only (triggers refuse UPDATE and DELETE); proofs read O(log n) stored tree
/// hashes; one append batch (entries, tree hashes, state projection, checkpoint) commits in one
/// transaction, so a crash at any instant leaves the last committed checkpoint valid.
public final class LedgerStore: Sendable {
    public let path: String
    public let metadata: LedgerMetadata
    public let suite: Suite
    /// Verifies the log's own signatures (the province key).
    public let logVerifier: any NoteVerifier
    let pool: DatabasePool
    /// Keeps the WAL short without making appends wait for it.
    let checkpointer: WALCheckpointer

    public static let fileName = "ledger.sqlite"

    private init(path: String, pool: DatabasePool, metadata: LedgerMetadata, suite: Suite) throws {
        guard metadata.suite == suite.id else {
            throw LedgerStoreError(.wrongSuite, "\(path) is a \(metadata.suite.rawValue) ledger; it cannot be opened as \(suite.id.rawValue)",
                                   hint: "a ledger's suite is fixed when it is created; open it with --suite \(metadata.suite.rawValue) or leave --suite out")
        }
        self.path = path
        self.pool = pool
        self.checkpointer = try WALCheckpointer(path: path)
        self.metadata = metadata
        self.suite = suite
        self.logVerifier = try Self.verifier(for: metadata.verifierKey, suite: suite)
    }

    static func verifier(for verifierKey: String, suite: Suite) throws -> any NoteVerifier {
        let key = try VerifierKey(parsing: verifierKey)
        let type = suite.signatures.keyType
        guard key.typeAndKey.starts(with: type) else {
            throw LedgerStoreError(.wrongSuite, "verifier key \(key.name) is not a \(suite.id.rawValue) key",
                                   hint: "enrol or create the ledger with a key of its suite")
        }
        return try suite.signatures.verifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst(type.count)))
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        // The schema's REFERENCES clauses document the links; enforcing them would probe the
        // entry table on every state write. `verify` checks them instead.
        configuration.foreignKeysEnabled = false
        // Another process (a CLI reading while a sync writes, `hq status` beside `hq serve`) may
        // hold the write lock for a batch; wait for it rather than fail.
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

    /// Creates a new ledger file; fails if one exists. A province ledger starts with a signed
    /// checkpoint of the empty tree, a mirror with no checkpoint (HQ has seen nothing yet).
    public static func create(at path: String, metadata: LedgerMetadata, suite: Suite,
                              signer: (any NoteSigner)? = nil, now: Date) throws -> LedgerStore {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LedgerStoreError(.alreadyExists, "\(path) already exists", hint: "choose a new directory, or use the existing ledger")
        }
        let pool = try DatabasePool(path: path, configuration: configuration())
        try LedgerSchema.migrator.migrate(pool)
        let store = try LedgerStore(path: path, pool: pool, metadata: metadata, suite: suite)
        try pool.write { db in
            for (key, value) in metadata.rows {
                try db.execute(sql: "INSERT INTO ledger_meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
        if metadata.role == .province {
            guard let signer else { preconditionFailure("a province ledger is created with its signing key") }
            try store.requireSigner(signer)
            let genesis = try VerifiedCheckpoint.sign(
                Checkpoint(origin: metadata.origin, size: 0, root: suite.treeHasher.emptyRoot, suite: suite.id), with: signer)
            try pool.write { db in try insertCheckpoint(genesis, db: db, now: now) }
        }
        return store
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

    /// Checks that `signer` is this ledger's key.
    func requireSigner(_ signer: any NoteSigner) throws {
        guard signer.verifierKey == metadata.verifierKey else {
            throw LedgerStoreError(.keyMismatch, "the signing key \(signer.verifierKey) is not this ledger's key \(metadata.verifierKey)",
                                   hint: "use the signing.key file created with this ledger")
        }
    }

    // MARK: - Reading

    /// Number of entries in the log.
    public func size() throws -> UInt64 {
        try pool.read { db in UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0) }
    }

    /// The canonical bytes of entry `index`.
    public func entry(at index: UInt64) throws -> [UInt8] {
        try pool.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT data FROM entry WHERE idx = ?", arguments: [Int64(index)]) else {
                let size = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
                throw LedgerStoreError(.indexOutOfRange, "there is no entry \(index); the log has \(size) entries",
                                       hint: "indexes run from 0 to size − 1")
            }
            return [UInt8](data)
        }
    }

    /// Entries [start, end) in order, read in one transaction. Use for bounded ranges.
    public func entries(from start: UInt64, to end: UInt64) throws -> [[UInt8]] {
        try pool.read { db in
            try Data.fetchAll(db, sql: "SELECT data FROM entry WHERE idx >= ? AND idx < ? ORDER BY idx",
                              arguments: [Int64(start), Int64(end)]).map { [UInt8]($0) }
        }
    }

    /// The latest checkpoint, its signature verified again on the way out.
    public func latestCheckpoint() throws -> VerifiedCheckpoint? {
        let note = try pool.read { db in try String.fetchOne(db, sql: "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1") }
        return try note.map(verifiedCheckpoint)
    }

    /// The checkpoint of exactly `size`, if one was stored.
    public func checkpoint(size: UInt64) throws -> VerifiedCheckpoint? {
        let note = try pool.read { db in try String.fetchOne(db, sql: "SELECT note FROM checkpoint WHERE size = ?", arguments: [Int64(size)]) }
        return try note.map(verifiedCheckpoint)
    }

    func verifiedCheckpoint(_ note: String) throws -> VerifiedCheckpoint {
        do {
            return try UnverifiedCheckpoint(parsing: note).verify(logKey: logVerifier, suite: suite.id)
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

    public func state(category: String, id: String) throws -> StateItem? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT content_hash, last_index, revoked FROM state WHERE category = ? AND id = ?",
                                             arguments: [category, id]) else { return nil }
            let hash: Data = row["content_hash"]
            return StateItem(category: category, id: id, contentHash: Hash(hash), lastIndex: UInt64(row["last_index"] as Int64),
                             revoked: row["revoked"] as Int64 == 1)
        }
    }

    /// Number of state items (distinct business records).
    public func stateCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM state") ?? 0 }
    }

    // MARK: - Writing helpers

    static func insertCheckpoint(_ checkpoint: VerifiedCheckpoint, db: Database, now: Date) throws {
        try db.execute(sql: "INSERT INTO checkpoint (size, root, note, stored_at) VALUES (?, ?, ?, ?)",
                       arguments: [Int64(checkpoint.size), Data(checkpoint.root.bytes), checkpoint.text, Int64(now.timeIntervalSince1970)])
    }

    /// Closes the file. Further use is a programming error.
    /// Returns once the WAL checkpoints asked for so far have run.
    public func waitForCheckpoints() {
        checkpointer.waitUntilIdle()
    }

    deinit {
        // The checkpointer's connection first, so the pool's writer is the file's last
        // connection, which checkpoints everything and removes the WAL.
        try? checkpointer.close()
    }

    public func close() throws {
        try checkpointer.close()
        try pool.close()
    }
}
