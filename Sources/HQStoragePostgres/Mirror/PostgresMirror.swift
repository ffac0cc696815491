import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// One province's mirror in PostgreSQL: rows in the province's partitions of the `mirror_*`
/// tables. Holds nothing between calls; any HQ process may serve any province.
struct PostgresMirror: MirrorStore {
    let province: String
    let origin: String
    let suite: Suite
    let client: PostgresClient
    let logger: Logger

    var hasher: TreeHasher { suite.treeHasher }

    // MARK: - Status and reads

    func status() async throws -> MirrorStatus {
        try await client.withConnection { connection in
            // One snapshot for the four reads.
            try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let next = try await nextEntry(connection)
                let pending = try await checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) ORDER BY size DESC LIMIT 1").first
                let complete = try await checkpoints(connection, """
                    SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) AND size <= \(try PostgresValue.bigint(next)) ORDER BY size DESC LIMIT 1
                    """).first
                var receipts = 0
                for try await count in try await connection.query("SELECT count(*) FROM mirror_receipt WHERE province = \(province)", logger: logger).decode(Int64.self) {
                    receipts = Int(count)
                }
                try await connection.run("COMMIT", logger: logger)
                return MirrorStatus(nextEntry: next, pending: pending, complete: complete, receipts: receipts)
            } catch {
                try? await connection.run("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    func nextEntry(_ connection: PostgresConnection, lock: Bool = false) async throws -> UInt64 {
        let query: PostgresQuery = lock
            ? "SELECT next_entry FROM mirror WHERE province = \(province) FOR UPDATE"
            : "SELECT next_entry FROM mirror WHERE province = \(province)"
        for try await next in try await connection.query(query, logger: logger).decode(Int64.self) {
            return try PostgresValue.size(next)
        }
        throw HQStorageError(.notEnrolled, "the mirror of \(province) has no row", hint: "enrol the province again")
    }

    func checkpoints(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [StoredCheckpoint] {
        try await PostgresVerification.checkpointRows(connection, query, logger: logger)
    }

    func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        let key = try PostgresValue.bigint(size)
        return try await client.withConnection { connection in
            try await checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) AND size = \(key)").first
        }
    }

    func checkpoints() async throws -> [StoredCheckpoint] {
        try await client.withConnection { connection in
            try await checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) ORDER BY size")
        }
    }

    func receipts(size: UInt64?) async throws -> [StoredReceipt] {
        let key = try size.map { try PostgresValue.bigint($0) }
        var receipts: [StoredReceipt] = []
        for try await (size, cosigner, keyID, time, line) in try await client.query("""
            SELECT size, cosigner, key_id, time, signature_line FROM mirror_receipt
            WHERE province = \(province) AND (\(key)::bigint IS NULL OR size = \(key)) ORDER BY size DESC, time DESC
            """, logger: logger).decode((Int64, String, Int64, Int64, String).self) {
            receipts.append(StoredReceipt(size: try PostgresValue.size(size), cosigner: cosigner, keyID: UInt32(truncatingIfNeeded: keyID),
                                          time: try PostgresValue.size(time), signature: try SignedNote.parseSignatureLines(line)[0]))
        }
        return receipts
    }

    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] {
        let (low, high) = (try PostgresValue.bigint(start), try PostgresValue.bigint(end))
        var entries: [[UInt8]] = []
        for try await data in try await client.query("""
            SELECT data FROM mirror_entry WHERE province = \(province) AND idx >= \(low) AND idx < \(high) ORDER BY idx
            """, logger: logger).decode(String.self) {
            entries.append(Array(data.utf8))
        }
        return entries
    }

    var storedTiles: PostgresTiles { PostgresTiles(table: .mirror, province: province, hasher: hasher, logger: logger) }

    func tiles(_ keys: Set<TileKey>, _ connection: PostgresConnection) async throws -> [TileKey: [UInt8]] {
        try await storedTiles.fetch(keys, connection)
    }

    func withTiles<T>(_ connection: PostgresConnection, _ computation: (any MerkleNodeReader) throws -> T) async throws -> T {
        try await storedTiles.compute(connection, computation)
    }

    func requireTreeSize(_ size: UInt64, _ connection: PostgresConnection) async throws {
        let entries = try await nextEntry(connection)
        guard size <= entries else {
            throw HQStorageError(.outOfRange, "the mirror holds \(entries) entries; there is no tree of size \(size)", hint: "use a size HQ holds")
        }
    }

    func root(size: UInt64) async throws -> Hash {
        try await client.withConnection { connection in
            try await requireTreeSize(size, connection)
            return try await withTiles(connection) { try MerkleProofs(hasher: hasher).root(size: size, reader: $0) }
        }
    }

    func inclusionProof(index: UInt64, treeSize: UInt64) async throws -> InclusionProof {
        try await client.withConnection { connection in
            try await requireTreeSize(treeSize, connection)
            guard index < treeSize else {
                throw HQStorageError(.outOfRange, "entry \(index) is not in the tree of size \(treeSize)", hint: "the index must be below the tree size")
            }
            return try await withTiles(connection) { reader in
                InclusionProof(leafIndex: index, treeSize: treeSize, leafHash: try reader.node(level: 0, index: index),
                               hashes: try MerkleProofs(hasher: hasher).inclusionProof(index: index, size: treeSize, reader: reader))
            }
        }
    }

    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof {
        try await client.withConnection { connection in
            try await requireTreeSize(newSize, connection)
            guard oldSize <= newSize else {
                throw HQStorageError(.outOfRange, "old size \(oldSize) is larger than new size \(newSize)", hint: "prove from an older tree to a newer one")
            }
            return try await withTiles(connection) { reader in
                ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: try MerkleProofs(hasher: hasher).consistencyProof(from: oldSize, to: newSize, reader: reader))
            }
        }
    }

    func state(category: String, id: String, size: UInt64?) async throws -> StateEntry? {
        let limit = try PostgresValue.bigint(size ?? LogLimits.maximumSize)
        for try await (index, data) in try await client.query("""
            SELECT idx, data FROM mirror_entry WHERE province = \(province) AND category = \(category) AND id = \(id) AND idx < \(limit)
            ORDER BY idx DESC LIMIT 1
            """, logger: logger).decode((Int64, String).self) {
            return StateEntry(key: StateKey(category: category, id: id), index: try PostgresValue.size(index), data: Array(data.utf8))
        }
        return nil
    }

    func state(size: UInt64, after: StateKey?, limit: Int) async throws -> [StateEntry] {
        // Per key the entry with the largest index below `size`, along mirror_entry_state.
        try await PostgresStatePage.fetch(.mirror, province: province, size: size, after: after, limit: limit, client: client, logger: logger)
    }

    func duplicateChanges(limit: Int) async throws -> [DuplicateChange] {
        var duplicates: [DuplicateChange] = []
        for try await (index, changeID, first) in try await client.query("""
            SELECT idx, change_id, first_idx FROM mirror_duplicate_change WHERE province = \(province) ORDER BY idx LIMIT \(Int64(limit))
            """, logger: logger).decode((Int64, String, Int64).self) {
            duplicates.append(DuplicateChange(index: try PostgresValue.size(index), changeID: changeID, firstIndex: try PostgresValue.size(first)))
        }
        return duplicates
    }
}
