import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresFeed {
    /// One transaction: the feed row locked (every append of this province, in any HQ process,
    /// waits here), the entries whose change_id is new, their tiles by the shared integration,
    /// the signed checkpoint over the new tree, and the new next entry.
    func append(_ entries: [PreparedEntry], signer: any NoteSigner, now: Date) async throws -> FeedAppendResult {
        guard signer.name == origin else {
            throw HQStorageError(.enrolment, "the feed of \(province) is signed by a key named \(origin), not \(signer.name)",
                                 hint: "sign the feed with HQ's feed key")
        }
        let signerKey = signer.verifierKey
        return try await client.transaction(logger: logger) { connection in
            let (next, storedKey) = try await feedRow(connection, lock: true)
            guard storedKey == signerKey else {
                throw HQStorageError(.enrolment, "the feed of \(province) is signed by \(storedKey), not by \(signerKey)", hint: Self.keyChangedHint)
            }
            // The first of each change_id in the batch, unless the feed holds it already.
            var seen = Set<String>()
            let candidates = entries.filter { seen.insert($0.record.changeID).inserted }
            var held = Set<String>()
            if !candidates.isEmpty {
                let ids = candidates.map(\.record.changeID)
                for try await changeID in try await connection.query("""
                    SELECT change_id FROM feed_entry WHERE province = \(province) AND change_id = ANY(\(ids)::text[])
                    """, logger: logger).decode(String.self) {
                    held.insert(changeID)
                }
            }
            let fresh = candidates.filter { !held.contains($0.record.changeID) }
            guard !fresh.isEmpty else {
                return FeedAppendResult(appended: 0, duplicates: entries.count, checkpoint: try await latest(connection))
            }

            var tree = try await integration(connection, size: next)
            let writer = PostgresLogAppend(role: .feed, tiles: storedTiles)
            let rows = try writer.rows(fresh, onto: &tree)
            let (size, root) = (tree.size, tree.root)
            try await writer.store(rows, tree: &tree, connection)
            let signed = try VerifiedCheckpoint.sign(Checkpoint(origin: origin, size: size, root: root, suite: suite.id), with: signer)
            let stored = try await insertCheckpoint(signed, connection, now: now)
            try await connection.run("UPDATE feed SET next_entry = \(try PostgresValue.bigint(size)) WHERE province = \(province)", logger: logger)
            return FeedAppendResult(appended: fresh.count, duplicates: entries.count - fresh.count, checkpoint: stored)
        }
    }

    /// The shared integration from the stored right edge.
    func integration(_ connection: PostgresConnection, size: UInt64) async throws -> TreeIntegration {
        do {
            return try await storedTiles.integration(connection, size: size)
        } catch let error as VerificationFailure {
            throw HQStorageError(.corrupt, "the feed of \(province) does not hold together: \(error.message)",
                                 hint: "restore the database from backup", index: error.index)
        }
    }

    /// Stores a signed checkpoint of the feed, as it is read back.
    func insertCheckpoint(_ checkpoint: VerifiedCheckpoint, _ connection: PostgresConnection, now: Date) async throws -> StoredCheckpoint {
        let at = PostgresValue.seconds(now)
        try await connection.run("""
            INSERT INTO feed_checkpoint (province, size, root, note, stored_at)
            VALUES (\(province), \(try PostgresValue.bigint(checkpoint.size)), \(PostgresValue.bytes(checkpoint.root)), \(checkpoint.text), \(at))
            """, logger: logger)
        return StoredCheckpoint(size: checkpoint.size, root: checkpoint.root, note: checkpoint.text, storedAt: PostgresValue.date(at))
    }
}
