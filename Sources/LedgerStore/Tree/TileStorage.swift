import Foundation
public import GRDB
public import LedgerCore

/// A `tile` table (level, idx, hashes): tile (level, idx) and its hashes, concatenated. Shared by
/// the province ledger and HQ's SQLite mirrors.
public enum TileStorage {
    public static func blob(_ key: TileKey, in db: Database) throws -> [UInt8]? {
        let statement = try db.cachedStatement(sql: "SELECT hashes FROM tile WHERE level = ? AND idx = ?")
        return try Data.fetchOne(statement, arguments: [key.level, try SQLiteInteger.from(key.index)]).map { [UInt8]($0) }
    }

    public static func write(_ key: TileKey, _ hashes: [Hash], in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tile (level, idx, hashes) VALUES (?, ?, ?)")
        try statement.execute(arguments: [key.level, try SQLiteInteger.from(key.index), Data(TileLayout.encode(hashes))])
    }

    /// A node reader over the stored tiles, for proofs and roots within one database access.
    public static func reader(_ db: Database, hasher: TreeHasher) -> TileNodeReader {
        TileNodeReader(hasher: hasher) { key in try blob(key, in: db) }
    }

    /// Every stored tile with its hash count.
    public static func all(in db: Database) throws -> [(key: TileKey, count: Int)] {
        try Row.fetchAll(db, sql: "SELECT level, idx, length(hashes) / 32 AS count FROM tile").map {
            (TileKey(level: $0["level"], index: UInt64($0["idx"] as Int64)), $0["count"])
        }
    }
}
