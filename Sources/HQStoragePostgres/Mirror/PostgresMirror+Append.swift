import Foundation
import HQStorage
import LedgerCore
import Logging
import Mirroring
import NationalCrypto
import NIOCore
import PostgresNIO

extension PostgresMirror {
    // MARK: - add-checkpoint

    func submitCheckpoint(_ checkpoint: VerifiedCheckpoint, now: Date,
                          decide: @escaping @Sendable (CheckpointArbiter.Facts) -> CheckpointArbiter.Decision) async throws -> CheckpointArbiter.Decision {
        let size = try PostgresValue.bigint(checkpoint.size)
        return try await client.transaction(logger: logger) { connection in
            // The province's mirror row, locked: every deciding transaction of this province, in
            // any HQ process, waits here, so the facts cannot change before the outcome is stored.
            let next = try await nextEntry(connection, lock: true)
            let latest = try await checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) ORDER BY size DESC LIMIT 1").first
            let atSize = try await checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) AND size = \(size)").first
            let seen = try await checkpoints(connection, "SELECT size, root, note, seen_at FROM mirror_seen_checkpoint WHERE province = \(province) AND size = \(size)")
            let computed = checkpoint.size <= next
                ? try await withTiles(connection) { try MerkleProofs(hasher: hasher).root(size: checkpoint.size, reader: $0) } : nil
            let facts = CheckpointArbiter.Facts(latest: try latest?.held, atSize: try atSize?.held, seenAtSize: try seen.map { try $0.held }, computedRoot: computed)
            let decision = decide(facts)
            let root = PostgresValue.bytes(checkpoint.root)
            switch decision {
            case .accept:
                try await connection.run("""
                    INSERT INTO mirror_checkpoint (province, size, root, note, stored_at) VALUES (\(province), \(size), \(root), \(checkpoint.text), \(PostgresValue.seconds(now)))
                    """, logger: logger)
                try await connection.run("UPDATE mirror SET latest_size = \(size) WHERE province = \(province)", logger: logger)
            case _ where decision.keepsAsSeen:
                try await connection.run("""
                    INSERT INTO mirror_seen_checkpoint (province, size, root, note, seen_at) VALUES (\(province), \(size), \(root), \(checkpoint.text), \(PostgresValue.seconds(now)))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            default:
                break
            }
            return decision
        }
    }

    // MARK: - Uploads

    func withUploadLease<T: Sendable>(_ body: @Sendable (any MirrorWriter) async throws -> T) async throws -> T {
        let (lockClass, lockID) = PostgresValue.uploadLock(province)
        return try await client.withConnection { connection in
            // A session advisory lock on this connection: held while the upload runs, and
            // released by the server if the connection (or the process) dies.
            var locked = false
            for try await acquired in try await connection.query("SELECT pg_try_advisory_lock(\(lockClass), \(lockID))", logger: logger).decode(Bool.self) {
                locked = acquired
            }
            guard locked else {
                throw HQStorageError(.uploadInProgress, "another upload for \(province) is in progress (on this or another HQ process)", hint: "retry in a moment")
            }
            do {
                let result = try await body(Writer(mirror: self, connection: connection))
                try await connection.run("SELECT pg_advisory_unlock(\(lockClass), \(lockID))", logger: logger)
                return result
            } catch {
                try? await connection.run("SELECT pg_advisory_unlock(\(lockClass), \(lockID))", logger: logger)
                throw error
            }
        }
    }

    struct Writer: MirrorWriter {
        let mirror: PostgresMirror
        let connection: PostgresConnection

        func start(end: UInt64) async throws -> UploadStart {
            let endKey = try PostgresValue.bigint(end)
            let next = try await mirror.nextEntry(connection)
            let target = try await mirror.checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(mirror.province) AND size = \(endKey)").first
            var pending: Int64 = 0
            for try await size in try await connection.query("SELECT coalesce(latest_size, 0) FROM mirror WHERE province = \(mirror.province)",
                                                              logger: mirror.logger).decode(Int64.self) {
                pending = size
            }
            return UploadStart(nextEntry: next, frontier: try await mirror.integration(connection, size: next).frontier, target: target,
                               pendingSize: try PostgresValue.size(pending))
        }

        func append(_ batch: VerifiedBatch, now: Date) async throws -> AppendOutcome {
            try await connection.transaction(logger: mirror.logger) { connection in
                try await mirror.append(batch, connection)
            }
        }
    }

    /// The shared integration from the stored right edge.
    func integration(_ connection: PostgresConnection, size: UInt64) async throws -> TreeIntegration {
        do {
            return try await storedTiles.integration(connection, size: size)
        } catch let error as VerificationFailure {
            throw HQStorageError.corrupt(error, province: province)
        }
    }

    /// One transaction: compare-and-set on the next entry (the mirror row locked), COPY of the
    /// rows, their tiles by the shared integration, the root check, repeated change ids, the
    /// seen checkpoints the new entries reach, and the new next entry.
    func append(_ batch: VerifiedBatch, _ connection: PostgresConnection) async throws -> AppendOutcome {
        let next = try await nextEntry(connection, lock: true)
        guard batch.start == next else {
            throw HQStorageError(.conflict, "the upload appends at \(batch.start), the mirror of \(province) is at \(next)", hint: "resume from the mirror's next entry")
        }
        var tree = try await integration(connection, size: next)
        let writer = PostgresLogAppend(role: .mirror, tiles: storedTiles)
        let rows = try writer.rows(batch.entries, onto: &tree)
        guard tree.root == batch.root else {
            throw HQStorageError(.rootMismatch, "the entries \(batch.start)..<\(batch.end) produce a root other than the verified one",
                                 hint: "nothing was stored; report this as a bug")
        }
        try await writer.store(rows, tree: &tree, connection)
        let (low, high) = (try PostgresValue.bigint(batch.start), try PostgresValue.bigint(tree.size))
        // Repeated change ids: each new row probes the (province, change_id) index once.
        var duplicates: [DuplicateChange] = []
        for try await (index, changeID, first) in try await connection.query("""
            INSERT INTO mirror_duplicate_change (province, idx, change_id, first_idx)
            SELECT n.province, n.idx, n.change_id,
                   (SELECT min(o.idx) FROM mirror_entry o WHERE o.province = n.province AND o.change_id = n.change_id AND o.idx < n.idx)
            FROM mirror_entry n
            WHERE n.province = \(province) AND n.idx >= \(low) AND n.idx < \(high)
              AND EXISTS (SELECT 1 FROM mirror_entry o WHERE o.province = n.province AND o.change_id = n.change_id AND o.idx < n.idx)
            RETURNING idx, change_id, first_idx
            """, logger: logger).decode((Int64, String, Int64).self) {
            duplicates.append(DuplicateChange(index: try PostgresValue.size(index), changeID: changeID, firstIndex: try PostgresValue.size(first)))
        }
        duplicates.sort { $0.index < $1.index }
        // Seen checkpoints the new entries reach: a different root is proof of a fork.
        var contradicted: [StoredCheckpoint] = []
        let seen = try await checkpoints(connection, """
            SELECT size, root, note, seen_at FROM mirror_seen_checkpoint WHERE province = \(province) AND size > \(low) AND size <= \(high) ORDER BY size
            """)
        for checkpoint in seen {
            let root = try await withTiles(connection) { try MerkleProofs(hasher: hasher).root(size: checkpoint.size, reader: $0) }
            if root != checkpoint.root { contradicted.append(checkpoint) }
        }
        try await connection.run("UPDATE mirror SET next_entry = \(high) WHERE province = \(province)", logger: logger)
        return AppendOutcome(nextEntry: tree.size, duplicates: duplicates, contradicted: contradicted)
    }

    // MARK: - Receipts

    func receipt(size: UInt64, cosigner: String, keyID: UInt32, now: Date,
                 cosign: @escaping @Sendable (Checkpoint) throws -> NoteSignature) async throws -> NoteSignature {
        let key = try PostgresValue.bigint(size)
        return try await client.transaction(logger: logger) { connection in
            let next = try await nextEntry(connection, lock: true)
            guard let stored = try await checkpoints(connection, "SELECT size, root, note, stored_at FROM mirror_checkpoint WHERE province = \(province) AND size = \(key)").first else {
                throw HQStorageError(.noSuchCheckpoint, "HQ holds no checkpoint of size \(size) for \(province)", hint: "submit the checkpoint first")
            }
            guard next >= size else {
                throw HQStorageError(.incomplete, "HQ does not hold all entries up to \(size) of \(province) yet", hint: "upload the missing entries")
            }
            for try await line in try await connection.query("""
                SELECT signature_line FROM mirror_receipt WHERE province = \(province) AND size = \(key) AND cosigner = \(cosigner) AND key_id = \(Int64(keyID))
                """, logger: logger).decode(String.self) {
                return try SignedNote.parseSignatureLines(line)[0]
            }
            let signature = try cosign(try stored.checkpoint)
            guard let time = Cosignatures.timestamp(of: signature.signature) else {
                throw HQStorageError(.schema, "the cosignature carries no timestamp", hint: "report this as a bug")
            }
            try await connection.run("""
                INSERT INTO mirror_receipt (province, size, cosigner, key_id, time, signature_line)
                VALUES (\(province), \(key), \(cosigner), \(Int64(keyID)), \(try PostgresValue.bigint(time)), \(signature.line))
                """, logger: logger)
            return signature
        }
    }
}
