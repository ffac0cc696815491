import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresMirror {
    /// `fsck` with the shared `LogVerifier`: entries streamed in index order in one snapshot,
    /// the tiles each chunk of entries completes fetched together, plus the mirror's own columns.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        try await PostgresVerification.inSnapshot(client, logger: logger, corrupt: { [province] in HQStorageError.corrupt($0, province: province) }) { connection in
            try await verify(keys: keys, connection)
        }
    }

    private func verify(keys: LogKeyHistory, _ connection: PostgresConnection) async throws -> LogVerifier.Report {
        let checkpoints = try StoredCheckpoint.verified(
            try await self.checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) ORDER BY size"),
            keys: keys, suite: suite, origin: origin, noun: "checkpoint")
        var verifier = try LogVerifier(suite: suite, province: province, role: .mirror, checkpoints: checkpoints)
        let chunk: UInt64 = 4096
        var start: UInt64 = 0
        while true {
            var rows: [(UInt64, String, String, String, [UInt8])] = []
            for try await (index, changeID, category, id, data) in try await connection.query("""
                SELECT idx, change_id, category, id, data FROM mirror_entry WHERE province = \(province) AND idx >= \(try PGValue.bigint(start))
                ORDER BY idx LIMIT \(Int64(chunk))
                """, logger: logger).decode((Int64, String, String, String, String).self) {
                rows.append((try PGValue.size(index), changeID, category, id, Array(data.utf8)))
            }
            guard let last = rows.last?.0 else { break }
            // Tiles whose bottom-row nodes these entries complete, at every tile level.
            let tiles = try await self.tiles(TileLayout.completed(from: rows[0].0, through: last), connection)
            for (index, changeID, category, id, data) in rows {
                let record = try verifier.check(index: index, changeID: changeID, data: data, state: nil, tile: { tiles[$0] })
                guard record.category == category, record.id == id else {
                    throw VerificationFailure("entry \(index) is filed under another record than its own (\(record.category)/\(record.id))", index: index)
                }
            }
            start = last + 1
        }
        // Repeated change ids, in the database (memory stays flat): every recorded repeat is one,
        // with the first entry of its id, and every repeat is recorded.
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
            throw VerificationFailure("the record of repeated change ids disagrees with entry \(index)", index: try PGValue.size(index))
        }
        var storedTiles: [(key: TileKey, count: Int)] = []
        for try await (level, index, count) in try await connection.query("""
            SELECT level, idx, (length(hashes) / 32)::bigint FROM mirror_tile WHERE province = \(province)
            """, logger: logger).decode((Int32, Int64, Int64).self) {
            storedTiles.append((TileKey(level: Int(level), index: try PGValue.size(index)), Int(count)))
        }
        return try verifier.finish(stateItems: nil, storedTiles: storedTiles)
    }
}
