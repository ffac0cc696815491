import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// One province's mirror or feed as `LogFsck` reads it, on a connection inside one
/// REPEATABLE READ snapshot (`PostgresVerification.inSnapshot`). The two roles' tables have the
/// same layout under their prefix; the mirror's entries also carry the record they are filed
/// under, and its repeats of a change id are recorded.
struct PostgresLogReader: LogReader {
    enum Role: String {
        case mirror
        case feed
    }

    let role: Role
    let province: String
    let connection: PostgresConnection
    let logger: Logger
    let hasher: TreeHasher

    private var prefix: String { role.rawValue }
    private var storedTiles: PostgresTiles {
        PostgresTiles(table: role == .mirror ? .mirror : .feed, province: province, hasher: hasher, logger: logger)
    }

    func checkpoints() async throws -> [StoredCheckpoint] {
        try await PostgresVerification.checkpointRows(connection, """
            SELECT size, root, note, stored_at FROM \(unescaped: prefix)_checkpoint WHERE province = \(province) ORDER BY size
            """, logger: logger)
    }

    func entries(from start: UInt64, limit: Int) async throws -> [StoredEntry] {
        var entries: [StoredEntry] = []
        switch role {
        case .mirror:
            for try await (index, changeID, category, id, data) in try await connection.query("""
                SELECT idx, change_id, category, id, data FROM mirror_entry WHERE province = \(province) AND idx >= \(try PostgresValue.bigint(start))
                ORDER BY idx LIMIT \(Int64(limit))
                """, logger: logger).decode((Int64, String, String, String, String).self) {
                entries.append(StoredEntry(index: try PostgresValue.size(index), changeID: changeID, data: Array(data.utf8), filedUnder: StateKey(category: category, id: id)))
            }
        case .feed:
            for try await (index, changeID, data) in try await connection.query("""
                SELECT idx, change_id, data FROM feed_entry WHERE province = \(province) AND idx >= \(try PostgresValue.bigint(start)) ORDER BY idx LIMIT \(Int64(limit))
                """, logger: logger).decode((Int64, String, String).self) {
                entries.append(StoredEntry(index: try PostgresValue.size(index), changeID: changeID, data: Array(data.utf8)))
            }
        }
        return entries
    }

    func tiles(_ keys: Set<TileKey>) async throws -> [TileKey: [UInt8]] {
        try await storedTiles.fetch(keys, connection)
    }

    func tileCounts() async throws -> [(key: TileKey, count: Int)] {
        var counts: [(key: TileKey, count: Int)] = []
        for try await (level, index, count) in try await connection.query("""
            SELECT level, idx, (length(hashes) / 32)::bigint FROM \(unescaped: prefix)_tile WHERE province = \(province)
            """, logger: logger).decode((Int32, Int64, Int64).self) {
            counts.append((TileKey(level: Int(level), index: try PostgresValue.size(index)), Int(count)))
        }
        return counts
    }

    /// Mirrors and feeds keep no state projection.
    func stateItems(_ keys: Set<StateKey>) async throws -> [StateKey: LogVerifier.StoredState]? { nil }
    func stateItemCount() async throws -> Int? { nil }

    func firstMisrecordedRepeat() async throws -> UInt64? {
        // A feed appends each change id once (UNIQUE): it has no repeats to record.
        guard role == .mirror else { return nil }
        // Every recorded repeat is one, with the first entry of its id, and every repeat is
        // recorded; in the database, so memory stays flat.
        for try await index in try await connection.query("""
            SELECT d.idx FROM mirror_duplicate_change d
            LEFT JOIN mirror_entry e ON e.province = d.province AND e.idx = d.idx
            LEFT JOIN mirror_entry f ON f.province = d.province AND f.idx = d.first_idx
            WHERE d.province = \(province) AND (e.change_id IS DISTINCT FROM d.change_id OR f.change_id IS DISTINCT FROM d.change_id
               OR EXISTS (SELECT 1 FROM mirror_entry o WHERE o.province = d.province AND o.change_id = d.change_id AND o.idx < d.first_idx))
            UNION ALL
            SELECT n.idx FROM mirror_entry n WHERE n.province = \(province)
              AND EXISTS (SELECT 1 FROM mirror_entry o WHERE o.province = n.province AND o.change_id = n.change_id AND o.idx < n.idx)
              AND NOT EXISTS (SELECT 1 FROM mirror_duplicate_change d WHERE d.province = n.province AND d.idx = n.idx)
            ORDER BY 1 LIMIT 1
            """, logger: logger).decode(Int64.self) {
            return try PostgresValue.size(index)
        }
        return nil
    }
}
