import Foundation
public import GRDB
public import LedgerCore

/// A SQLite log file as `LogFsck` reads it, in one unchanging snapshot (a read transaction held
/// across the fsck's reads): a province ledger or an HQ feed (a ledger file, with its state
/// projection), or an HQ mirror (entries filed under category and id, repeats recorded). The
/// tables are named alike in every SQLite log file: `entry`, `tile`, `checkpoint`, `state`,
/// `duplicate_change`.
public struct SQLiteLogReader: LogReader {
    public enum Layout: Sendable {
        /// `entry(idx, change_id, data)` and the `state` projection.
        case ledger
        /// `entry(idx, change_id, category, id, data)` and `duplicate_change(idx, change_id, first_idx)`.
        case mirror
    }

    let snapshot: DatabaseSnapshot
    let layout: Layout

    /// A reader over a snapshot of `pool` taken now; writers go on, unseen by it.
    public init(_ pool: DatabasePool, layout: Layout) throws {
        snapshot = try pool.makeSnapshot()
        self.layout = layout
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await snapshot.read { db in
            try Row.fetchAll(db, sql: "SELECT size, root, note, stored_at FROM checkpoint ORDER BY size").map(StoredCheckpoint.init(row:))
        }
    }

    public func entries(from start: UInt64, limit: Int) async throws -> [StoredEntry] {
        let layout = layout
        return try await snapshot.read { db in
            let columns = layout == .mirror ? "idx, change_id, data, category, id" : "idx, change_id, data"
            return try Row.fetchAll(db, sql: "SELECT \(columns) FROM entry WHERE idx >= ? ORDER BY idx LIMIT ?",
                                    arguments: [try SQLiteInteger.from(start), limit]).map { row in
                StoredEntry(index: try SQLiteInteger.size(row["idx"]), changeID: row["change_id"], data: [UInt8](row["data"] as Data),
                            filedUnder: layout == .mirror ? StateKey(category: row["category"], id: row["id"]) : nil)
            }
        }
    }

    public func tiles(_ keys: Set<TileKey>) async throws -> [TileKey: [UInt8]] {
        try await snapshot.read { db in
            var tiles: [TileKey: [UInt8]] = [:]
            for key in keys {
                if let blob = try TileStorage.blob(key, in: db) { tiles[key] = blob }
            }
            return tiles
        }
    }

    public func tileCounts() async throws -> [(key: TileKey, count: Int)] {
        try await snapshot.read { db in try TileStorage.all(in: db) }
    }

    public func stateItems(_ keys: Set<StateKey>) async throws -> [StateKey: LogVerifier.StoredState]? {
        guard layout == .ledger else { return nil }
        return try await snapshot.read { db in
            let statement = try db.cachedStatement(sql: "SELECT content_hash, last_index, revoked FROM state WHERE category = ? AND id = ?")
            var items: [StateKey: LogVerifier.StoredState] = [:]
            for key in keys {
                guard let row = try Row.fetchOne(statement, arguments: [key.category, key.id]) else { continue }
                items[key] = LogVerifier.StoredState(contentHash: Hash(row["content_hash"] as Data), lastIndex: try SQLiteInteger.size(row["last_index"]),
                                                     revoked: row["revoked"] as Int64 == 1)
            }
            return items
        }
    }

    public func stateItemCount() async throws -> Int? {
        guard layout == .ledger else { return nil }
        return try await snapshot.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM state") ?? 0 }
    }

    public func firstMisrecordedRepeat() async throws -> UInt64? {
        guard layout == .mirror else { return nil }
        // Every recorded repeat is one, with the first entry of its id, and every repeat is
        // recorded; the same query as PostgreSQL's, in the database (memory stays flat).
        return try await snapshot.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT d.idx FROM duplicate_change d
                LEFT JOIN entry e ON e.idx = d.idx
                LEFT JOIN entry f ON f.idx = d.first_idx
                WHERE e.change_id IS NOT d.change_id OR f.change_id IS NOT d.change_id
                   OR EXISTS (SELECT 1 FROM entry o WHERE o.change_id = d.change_id AND o.idx < d.first_idx)
                UNION ALL
                SELECT n.idx FROM entry n
                WHERE EXISTS (SELECT 1 FROM entry o WHERE o.change_id = n.change_id AND o.idx < n.idx)
                  AND NOT EXISTS (SELECT 1 FROM duplicate_change d WHERE d.idx = n.idx)
                ORDER BY 1 LIMIT 1
                """).map { try SQLiteInteger.size($0) }
        }
    }
}
