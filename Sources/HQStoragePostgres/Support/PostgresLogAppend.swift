import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// The append path every PostgreSQL log shares (a province's mirror, HQ's feed to it), inside
/// the caller's transaction, which holds the log's row lock: the new entries' rows built while
/// the tree integrates them from the stored right edge, one COPY of the rows, and the tiles they
/// completed. What a role adds (the mirror's root check, repeats and seen checkpoints; the feed's
/// change-id filter and signed checkpoint) stays with the role.
struct PostgresLogAppend {
    let role: PostgresLogReader.Role
    let tiles: PostgresTiles

    var province: String { tiles.province }

    /// The COPY rows of `entries` appended at `tree`'s size; `tree` integrates their leaves.
    func rows(_ entries: [PreparedEntry], onto tree: inout TreeIntegration) throws -> ByteBuffer {
        var rows = CopyRows(capacity: entries.reduce(0) { $0 + $1.record.canonicalBytes.count + 64 })
        for entry in entries {
            let record = entry.record
            rows.field(province)
            rows.field(try PostgresValue.bigint(tree.size))
            rows.field(record.changeID)
            if role == .mirror {
                rows.field(record.category)
                rows.field(record.id)
            }
            rows.field(record.canonicalBytes, last: true)
            tree.append(entry.leafHash)
        }
        return rows.take()
    }

    /// Stores `rows` (from `rows(_:onto:)`) and the tiles `tree` completed.
    func store(_ rows: ByteBuffer, tree: inout TreeIntegration, _ connection: PostgresConnection) async throws {
        let logger = tiles.logger
        // The mirror's rows go straight to the province's partition.
        let (table, columns) = switch role {
        case .mirror: ("mirror_entry_\(province)", ["province", "idx", "change_id", "category", "id", "data"])
        case .feed: ("feed_entry", ["province", "idx", "change_id", "data"])
        }
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await writer.write(rows)
        }
        for (key, hashes) in tree.finish() {
            try await connection.run("""
                INSERT INTO \(unescaped: tiles.table.rawValue) (province, level, idx, hashes)
                VALUES (\(province), \(Int32(key.level)), \(try PostgresValue.bigint(key.index)), \(ByteBuffer(bytes: TileLayout.encode(hashes))))
                ON CONFLICT (province, level, idx) DO UPDATE SET hashes = excluded.hashes
                """, logger: logger)
        }
    }
}
