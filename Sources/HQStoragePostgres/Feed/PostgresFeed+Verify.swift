import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresFeed {
    /// `fsck` of the feed with the shared `LogVerifier`, in one snapshot: checkpoints against
    /// HQ's feed key, entries streamed in index order with the tiles each chunk completes.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        try await PostgresVerification.inSnapshot(client, logger: logger, corrupt: { [province] in HQStorageError.corruptFeed($0, province: province) }) { connection in
            try await verify(keys: keys, connection)
        }
    }

    private func verify(keys: LogKeyHistory, _ connection: PostgresConnection) async throws -> LogVerifier.Report {
        let checkpoints = try StoredCheckpoint.verified(
            try await self.checkpoints(connection, "SELECT size, root, note, stored_at FROM feed_checkpoint WHERE province = \(province) ORDER BY size"),
            keys: keys, suite: suite, origin: origin, noun: "feed checkpoint")
        // HQ signs a checkpoint with every append: each entry is covered, as in a province's log.
        var verifier = try LogVerifier(suite: suite, province: province, role: .province, checkpoints: checkpoints)
        let chunk: UInt64 = 4096
        var start: UInt64 = 0
        while true {
            var rows: [(UInt64, String, [UInt8])] = []
            for try await (index, changeID, data) in try await connection.query("""
                SELECT idx, change_id, data FROM feed_entry WHERE province = \(province) AND idx >= \(try PGValue.bigint(start)) ORDER BY idx LIMIT \(Int64(chunk))
                """, logger: logger).decode((Int64, String, String).self) {
                rows.append((try PGValue.size(index), changeID, Array(data.utf8)))
            }
            guard let first = rows.first?.0, let last = rows.last?.0 else { break }
            let tiles = try await storedTiles.fetch(TileLayout.completed(from: first, through: last), connection)
            for (index, changeID, data) in rows {
                _ = try verifier.check(index: index, changeID: changeID, data: data, state: nil, tile: { tiles[$0] })
            }
            start = last + 1
        }
        var stored: [(key: TileKey, count: Int)] = []
        for try await (level, index, count) in try await connection.query("""
            SELECT level, idx, (length(hashes) / 32)::bigint FROM feed_tile WHERE province = \(province)
            """, logger: logger).decode((Int32, Int64, Int64).self) {
            stored.append((TileKey(level: Int(level), index: try PGValue.size(index)), Int(count)))
        }
        return try verifier.finish(stateItems: nil, storedTiles: stored)
    }
}
