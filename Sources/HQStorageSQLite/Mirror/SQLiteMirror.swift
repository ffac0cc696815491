import Foundation
import GRDB
import HQStorage
import LedgerCore
import LedgerStore

/// One province's mirror in its own SQLite file (natural sharding: provinces write in parallel).
/// Every decision runs inside a `pool.write` transaction, which SQLite serializes per file; the
/// upload lease is held by `SQLiteHQStorage` for its one process.
final class SQLiteMirror: MirrorStore {
    let province: String
    let origin: String
    let suite: Suite
    let path: String
    let pool: DatabasePool
    let checkpointer: WALCheckpointer
    let leases: UploadLeases

    static let formatVersion = "1"

    private init(province: String, origin: String, suite: Suite, path: String, pool: DatabasePool, leases: UploadLeases) throws {
        self.province = province
        self.origin = origin
        self.suite = suite
        self.path = path
        self.pool = pool
        self.leases = leases
        self.checkpointer = try WALCheckpointer(path: path)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // 32 mirrors are open at once, each written by its own uploads: one reader each, and
        // page caches that SQLite shrinks when they add up (`SQLiteHQStorage.sqliteMemoryLimit`).
        configuration.maximumReaderCount = 1
        configuration.prepareDatabase { db in
            // FULL: a receipt or checkpoint must survive power loss once committed.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -4096")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
            try db.execute(sql: "PRAGMA mmap_size = \(SQLiteHQStorage.mappedBytes)")
        }
        return configuration
    }

    /// Creates the mirror file of a newly enrolled province (no checkpoint: HQ has seen nothing).
    static func create(at path: String, province: String, origin: String, suite: Suite, leases: UploadLeases) throws -> SQLiteMirror {
        let pool = try DatabasePool(path: path, configuration: configuration())
        try SQLiteMirrorSchema.migrator.migrate(pool)
        try pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM mirror_meta") == 0 else { return }
            for (key, value) in [("format_version", formatVersion), ("province", province), ("origin", origin), ("suite", suite.id.rawValue)] {
                try db.execute(sql: "INSERT INTO mirror_meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
        return try open(at: path, pool: pool, province: province, origin: origin, suite: suite, leases: leases)
    }

    static func open(at path: String, province: String, origin: String, suite: Suite, leases: UploadLeases) throws -> SQLiteMirror {
        let pool = try DatabasePool(path: path, configuration: configuration())
        return try open(at: path, pool: pool, province: province, origin: origin, suite: suite, leases: leases)
    }

    private static func open(at path: String, pool: DatabasePool, province: String, origin: String, suite: Suite, leases: UploadLeases) throws -> SQLiteMirror {
        let meta: [String: String] = try pool.read { db in
            guard try db.tableExists("mirror_meta") else {
                if try db.tableExists("ledger_meta") {
                    throw HQStorageError(.schema, "\(path) is a mirror in the format of an earlier CreditSync release",
                                         hint: "create a new HQ data directory with `creditsync hq init` and let the provinces sync again (their ledgers hold everything)")
                }
                throw HQStorageError(.schema, "\(path) is not a CreditSync mirror", hint: "restore the file from backup")
            }
            return try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM mirror_meta").map { ($0["key"], $0["value"]) })
        }
        try SQLiteMirrorSchema.migrator.migrate(pool)
        guard meta["format_version"] == formatVersion, meta["province"] == province, meta["origin"] == origin, meta["suite"] == suite.id.rawValue else {
            throw HQStorageError(.schema, "the mirror file \(path) does not match the enrolment of \(province) (\(origin), \(suite.id.rawValue))",
                                 hint: "restore mirrors/\(province).sqlite from backup")
        }
        return try SQLiteMirror(province: province, origin: origin, suite: suite, path: path, pool: pool, leases: leases)
    }

    func close() throws {
        try checkpointer.close()
        try pool.close()
    }

    var hasher: TreeHasher { suite.treeHasher }

    // MARK: - Status and reads

    func status() async throws -> MirrorStatus {
        try await pool.read { db in
            let next = try Self.entryCount(db)
            return MirrorStatus(
                nextEntry: next,
                pending: try Self.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint ORDER BY size DESC LIMIT 1"),
                complete: try Self.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint WHERE size <= ? ORDER BY size DESC LIMIT 1",
                                              arguments: [try SQLiteInteger.from(next)]),
                receipts: try Int.fetchOne(db, sql: "SELECT count(*) FROM receipt") ?? 0)
        }
    }

    static func entryCount(_ db: Database) throws -> UInt64 {
        try SQLiteInteger.size(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
    }

    static func checkpoint(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> StoredCheckpoint? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map(StoredCheckpoint.init(row:))
    }

    func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        let key = try SQLiteInteger.from(size)
        return try await pool.read { db in
            try Self.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint WHERE size = ?", arguments: [key])
        }
    }

    func checkpoints() async throws -> [StoredCheckpoint] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT size, root, note, stored_at FROM checkpoint ORDER BY size").map(StoredCheckpoint.init(row:))
        }
    }

    func receipts(size: UInt64?) async throws -> [StoredReceipt] {
        let key = try size.map { try SQLiteInteger.from($0) }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT size, cosigner, key_id, time, signature_line FROM receipt
                WHERE ?1 IS NULL OR size = ?1 ORDER BY size DESC, time DESC
                """, arguments: [key]).map { row in
                StoredReceipt(size: try SQLiteInteger.size(row["size"]), cosigner: row["cosigner"], keyID: UInt32(row["key_id"] as Int64),
                              time: try SQLiteInteger.size(row["time"]), signature: try SignedNote.parseSignatureLines(row["signature_line"])[0])
            }
        }
    }

    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] {
        let (low, high) = (try SQLiteInteger.from(start), try SQLiteInteger.from(end))
        return try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT data FROM entry WHERE idx >= ? AND idx < ? ORDER BY idx", arguments: [low, high]).map { [UInt8]($0) }
        }
    }

    func root(size: UInt64) async throws -> Hash {
        let hasher = hasher
        return try await pool.read { db in
            try Self.requireTreeSize(size, db)
            return try MerkleProofs(hasher: hasher).root(size: size, reader: TileStorage.reader(db, hasher: hasher))
        }
    }

    func inclusionProof(index: UInt64, treeSize: UInt64) async throws -> InclusionProof {
        let hasher = hasher
        return try await pool.read { db in
            try Self.requireTreeSize(treeSize, db)
            guard index < treeSize else {
                throw HQStorageError(.outOfRange, "entry \(index) is not in the tree of size \(treeSize)", hint: "the index must be below the tree size")
            }
            let reader = TileStorage.reader(db, hasher: hasher)
            return InclusionProof(leafIndex: index, treeSize: treeSize, leafHash: try reader.node(level: 0, index: index),
                                  hashes: try MerkleProofs(hasher: hasher).inclusionProof(index: index, size: treeSize, reader: reader))
        }
    }

    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof {
        let hasher = hasher
        return try await pool.read { db in
            try Self.requireTreeSize(newSize, db)
            guard oldSize <= newSize else {
                throw HQStorageError(.outOfRange, "old size \(oldSize) is larger than new size \(newSize)", hint: "prove from an older tree to a newer one")
            }
            return ConsistencyProof(oldSize: oldSize, newSize: newSize,
                                    hashes: try MerkleProofs(hasher: hasher).consistencyProof(from: oldSize, to: newSize, reader: TileStorage.reader(db, hasher: hasher)))
        }
    }

    static func requireTreeSize(_ size: UInt64, _ db: Database) throws {
        let entries = try entryCount(db)
        guard size <= entries else {
            throw HQStorageError(.outOfRange, "the mirror holds \(entries) entries; there is no tree of size \(size)", hint: "use a size HQ holds")
        }
    }

    func state(category: String, id: String, size: UInt64?) async throws -> StateEntry? {
        let limit = try SQLiteInteger.from(size ?? LogLimits.maximumSize)
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT idx, data FROM entry WHERE category = ? AND id = ? AND idx < ? ORDER BY idx DESC LIMIT 1",
                             arguments: [category, id, limit]).map {
                StateEntry(key: StateKey(category: category, id: id), index: try SQLiteInteger.size($0["idx"]), data: [UInt8]($0["data"] as Data))
            }
        }
    }

    func state(size: UInt64, after: StateKey?, limit: Int) async throws -> [StateEntry] {
        let bound = try SQLiteInteger.from(size)
        return try await pool.read { db in
            let keyCondition = after == nil ? "" : "AND (e.category, e.id) > (?, ?)"
            var arguments: StatementArguments = [bound]
            if let after { arguments += [after.category, after.id] }
            arguments += [bound, limit]
            // Per key the largest index below `size`: entry_by_record walked in key order, each
            // row kept if it is its key's latest. No sort, no materialized page: 30% faster
            // than a GROUP BY joined back to the entries (0.95 s against 1.4 s for 200,000). The
            // index is named, as the register's must be: the plan is what keeps a page cheap.
            return try SQLiteStatePage.fetch(db, sql: """
                SELECT e.category, e.id, e.idx, e.data FROM entry e INDEXED BY entry_by_record
                WHERE e.idx < ? \(keyCondition)
                  AND e.idx = (SELECT max(f.idx) FROM entry f WHERE f.category = e.category AND f.id = e.id AND f.idx < ?)
                ORDER BY e.category, e.id LIMIT ?
                """, arguments: arguments, limit: limit)
        }
    }

    func duplicateChanges(limit: Int) async throws -> [DuplicateChange] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT idx, change_id, first_idx FROM duplicate_change ORDER BY idx LIMIT ?", arguments: [limit]).map {
                DuplicateChange(index: try SQLiteInteger.size($0["idx"]), changeID: $0["change_id"], firstIndex: try SQLiteInteger.size($0["first_idx"]))
            }
        }
    }
}
