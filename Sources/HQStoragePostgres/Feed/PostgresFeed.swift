import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// HQ's feed to one province in PostgreSQL (DESIGN §7): rows of the `feed_*` tables keyed by the
/// province. Holds nothing between calls; any HQ process may serve any province, and every append
/// locks the province's `feed` row, so appends are serialized by the database.
struct PostgresFeed: FeedStore {
    let province: String
    let origin: String
    let suite: Suite
    let client: PostgresClient
    let logger: Logger

    var hasher: TreeHasher { suite.treeHasher }

    static let keyChangedHint = "HQ's feed key changed; restore feed.key from the key backup"

    // MARK: - Reads

    /// The feed's next entry (its tree size) and signing key, the row locked with `lock`.
    func feedRow(_ connection: PostgresConnection, lock: Bool = false) async throws -> (nextEntry: UInt64, verifierKey: String) {
        let query: PostgresQuery = lock
            ? "SELECT next_entry, verifier_key FROM feed WHERE province = \(province) FOR UPDATE"
            : "SELECT next_entry, verifier_key FROM feed WHERE province = \(province)"
        for try await (next, key) in try await connection.query(query, logger: logger).decode((Int64, String).self) {
            return (try PostgresValue.size(next), key)
        }
        throw HQStorageError(.notEnrolled, "the feed of \(province) has no row", hint: "open the feed again (HQ creates it on first use)")
    }

    func checkpoints(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [StoredCheckpoint] {
        try await PostgresVerification.checkpointRows(connection, query, logger: logger)
    }

    func latest(_ connection: PostgresConnection) async throws -> StoredCheckpoint {
        guard let latest = try await checkpoints(connection, """
            SELECT size, root, note, stored_at FROM feed_checkpoint WHERE province = \(province) ORDER BY size DESC LIMIT 1
            """).first else {
            throw HQStorageError(.corrupt, "the feed of \(province) holds no checkpoint, not even the empty tree's",
                                 hint: "restore the database from backup")
        }
        return latest
    }

    func latestCheckpoint() async throws -> StoredCheckpoint {
        try await client.withConnection { connection in try await latest(connection) }
    }

    func nextCheckpoint(after cursor: UInt64, maxEntries: UInt64) async throws -> StoredCheckpoint? {
        let low = try PostgresValue.bigint(cursor)
        let (sum, overflow) = cursor.addingReportingOverflow(maxEntries)
        let high = Int64(clamping: overflow ? UInt64.max : sum)
        return try await client.withConnection { connection in
            if let within = try await checkpoints(connection, """
                SELECT size, root, note, stored_at FROM feed_checkpoint
                WHERE province = \(province) AND size > \(low) AND size <= \(high) ORDER BY size DESC LIMIT 1
                """).first {
                return within
            }
            return try await checkpoints(connection, """
                SELECT size, root, note, stored_at FROM feed_checkpoint WHERE province = \(province) AND size > \(low) ORDER BY size LIMIT 1
                """).first
        }
    }

    func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        let key = try PostgresValue.bigint(size)
        return try await client.withConnection { connection in
            try await checkpoints(connection, "SELECT size, root, note, stored_at FROM feed_checkpoint WHERE province = \(province) AND size = \(key)").first
        }
    }

    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] {
        let (low, high) = (try PostgresValue.bigint(start), try PostgresValue.bigint(end))
        var entries: [[UInt8]] = []
        for try await data in try await client.query("""
            SELECT data FROM feed_entry WHERE province = \(province) AND idx >= \(low) AND idx < \(high) ORDER BY idx
            """, logger: logger).decode(String.self) {
            entries.append(Array(data.utf8))
        }
        return entries
    }

    func indexes(changeIDs: [String]) async throws -> [String: UInt64] {
        guard !changeIDs.isEmpty else { return [:] }
        var found: [String: UInt64] = [:]
        for try await (changeID, index) in try await client.query("""
            SELECT change_id, idx FROM feed_entry WHERE province = \(province) AND change_id = ANY(\(changeIDs)::text[])
            """, logger: logger).decode((String, Int64).self) {
            found[changeID] = try PostgresValue.size(index)
        }
        return found
    }

    func appendedAt(index: UInt64) async throws -> Date? {
        let key = try PostgresValue.bigint(index)
        for try await storedAt in try await client.query("""
            SELECT stored_at FROM feed_checkpoint WHERE province = \(province) AND size > \(key) ORDER BY size LIMIT 1
            """, logger: logger).decode(Int64.self) {
            return PostgresValue.date(storedAt)
        }
        return nil
    }

    // MARK: - Tiles and proofs

    var storedTiles: PostgresTiles { PostgresTiles(table: .feed, province: province, hasher: hasher, logger: logger) }

    func withTiles<T>(_ connection: PostgresConnection, _ computation: (any MerkleNodeReader) throws -> T) async throws -> T {
        try await storedTiles.compute(connection, computation)
    }

    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof {
        try await client.withConnection { connection in
            let entries = try await feedRow(connection).nextEntry
            guard newSize <= entries else {
                throw HQStorageError(.outOfRange, "the feed of \(province) holds \(entries) entries; there is no tree of size \(newSize)", hint: "use a size HQ holds")
            }
            guard oldSize <= newSize else {
                throw HQStorageError(.outOfRange, "old size \(oldSize) is larger than new size \(newSize)", hint: "prove from an older tree to a newer one")
            }
            return try await withTiles(connection) { reader in
                ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: try MerkleProofs(hasher: hasher).consistencyProof(from: oldSize, to: newSize, reader: reader))
            }
        }
    }

    // MARK: - Cosignatures

    func addCosignature(size: UInt64, signature: NoteSignature, time: UInt64) async throws {
        let key = try PostgresValue.bigint(size)
        let at = try PostgresValue.bigint(time)
        try await client.withConnection { connection in
            // Checkpoints are never deleted, and the foreign key to feed_checkpoint refuses a
            // cosignature of a size that is not stored even if this check were skipped.
            var stored = false
            for try await _ in try await connection.query("""
                SELECT size FROM feed_checkpoint WHERE province = \(province) AND size = \(key)
                """, logger: logger).decode(Int64.self) {
                stored = true
            }
            guard stored else {
                throw HQStorageError(.noSuchCheckpoint, "HQ's feed to \(province) holds no checkpoint of size \(size)",
                                     hint: "cosign a checkpoint HQ delivered")
            }
            try await connection.run("""
                INSERT INTO feed_receipt (province, size, cosigner, key_id, time, signature_line)
                VALUES (\(province), \(key), \(signature.name), \(Int64(signature.keyID)), \(at), \(signature.line))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    func cosignatures() async throws -> [StoredReceipt] {
        var receipts: [StoredReceipt] = []
        for try await (size, cosigner, keyID, time, line) in try await client.query("""
            SELECT size, cosigner, key_id, time, signature_line FROM feed_receipt
            WHERE province = \(province) ORDER BY size DESC, time DESC, cosigner, key_id
            """, logger: logger).decode((Int64, String, Int64, Int64, String).self) {
            receipts.append(StoredReceipt(size: try PostgresValue.size(size), cosigner: cosigner, keyID: UInt32(truncatingIfNeeded: keyID),
                                          time: try PostgresValue.size(time), signature: try SignedNote.parseSignatureLines(line)[0]))
        }
        return receipts
    }
}
