import Foundation
import GRDB
import HQStorage
import LedgerCore
import LedgerStore
import Mirroring
import NationalCrypto

extension SQLiteMirror {
    // MARK: - add-checkpoint

    func submitCheckpoint(_ checkpoint: VerifiedCheckpoint, now: Date,
                          decide: @escaping @Sendable (CheckpointArbiter.Facts) -> CheckpointArbiter.Decision) async throws -> CheckpointArbiter.Decision {
        let hasher = hasher
        let size = try SQLiteInteger.from(checkpoint.size)
        defer { checkpointer.nudge() }
        return try await pool.write { db in
            // The facts and the outcome in one write transaction: SQLite serializes writers of
            // this file, so no other submission can slip between the decision and its storage.
            let latest = try Self.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint ORDER BY size DESC LIMIT 1")
            let atSize = try Self.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint WHERE size = ?", arguments: [size])
            let seen = try Row.fetchAll(db, sql: "SELECT size, root, note, seen_at AS stored_at FROM seen_checkpoint WHERE size = ?", arguments: [size])
                .map { try StoredCheckpoint(row: $0).held }
            let computed = checkpoint.size <= (try Self.entryCount(db))
                ? try MerkleProofs(hasher: hasher).root(size: checkpoint.size, reader: TileStorage.reader(db, hasher: hasher)) : nil
            let facts = CheckpointArbiter.Facts(latest: try latest?.held, atSize: try atSize?.held, seenAtSize: seen, computedRoot: computed)
            let decision = decide(facts)
            switch decision {
            case .accept:
                try db.execute(sql: "INSERT INTO checkpoint (size, root, note, stored_at) VALUES (?, ?, ?, ?)",
                               arguments: [size, Data(checkpoint.root.bytes), checkpoint.text, Int64(now.timeIntervalSince1970)])
            case _ where decision.keepsAsSeen:
                try db.execute(sql: "INSERT OR IGNORE INTO seen_checkpoint (size, root, note, seen_at) VALUES (?, ?, ?, ?)",
                               arguments: [size, Data(checkpoint.root.bytes), checkpoint.text, Int64(now.timeIntervalSince1970)])
            default:
                break
            }
            return decision
        }
    }

    // MARK: - Uploads

    func withUploadLease<T: Sendable>(_ body: @Sendable (any MirrorWriter) async throws -> T) async throws -> T {
        guard leases.acquire(province) else {
            throw HQStorageError(.uploadInProgress, "another upload for \(province) is in progress", hint: "retry in a moment")
        }
        defer { leases.release(province) }
        return try await body(Writer(mirror: self))
    }

    struct Writer: MirrorWriter {
        let mirror: SQLiteMirror

        func start(end: UInt64) async throws -> UploadStart {
            let hasher = mirror.hasher
            let endKey = try SQLiteInteger.from(end)
            return try await mirror.pool.read { db in
                let next = try SQLiteMirror.entryCount(db)
                return UploadStart(
                    nextEntry: next, frontier: try TileWriter(db: db, size: next, hasher: hasher).frontier,
                    target: try SQLiteMirror.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint WHERE size = ?", arguments: [endKey]),
                    pendingSize: try SQLiteInteger.size(try Int64.fetchOne(db, sql: "SELECT coalesce(max(size), 0) FROM checkpoint") ?? 0))
            }
        }

        func append(_ batch: VerifiedBatch, now: Date) async throws -> AppendOutcome {
            try await mirror.append(batch)
        }
    }

    /// One transaction: compare-and-set on the next entry, the rows, their tiles (by the
    /// `TileWriter` every SQLite log shares), the root check, then the seen checkpoints the new entries now cover.
    func append(_ batch: VerifiedBatch) async throws -> AppendOutcome {
        let hasher = hasher
        let province = province
        defer { checkpointer.nudge() }
        return try await pool.write { db in
            let next = try Self.entryCount(db)
            guard batch.start == next else {
                throw HQStorageError(.conflict, "the upload appends at \(batch.start), the mirror of \(province) is at \(next)",
                                     hint: "resume from the mirror's next entry")
            }
            var tree: TileWriter
            do {
                tree = try TileWriter(db: db, size: next, hasher: hasher)
            } catch let failure as VerificationFailure {
                throw HQStorageError.corrupt(failure, province: province)
            }
            let insert = try RawStatement(db, sql: "INSERT INTO entry (idx, change_id, category, id, data) VALUES (?, ?, ?, ?, ?)")
            let earlier = try db.cachedStatement(sql: "SELECT idx FROM entry WHERE change_id = ? ORDER BY idx LIMIT 1")
            var duplicates: [DuplicateChange] = []
            for entry in batch.entries {
                let record = entry.record
                let index = tree.size
                if let first = try Int64.fetchOne(earlier, arguments: [record.changeID]) {
                    duplicates.append(DuplicateChange(index: index, changeID: record.changeID, firstIndex: try SQLiteInteger.size(first)))
                    try db.execute(sql: "INSERT INTO duplicate_change (idx, change_id, first_idx) VALUES (?, ?, ?)",
                                   arguments: [try SQLiteInteger.from(index), record.changeID, first])
                }
                _ = try record.canonicalBytes.withUnsafeBytes { data in
                    try insert.run(.integer(try SQLiteInteger.from(index)), .text(record.changeID), .text(record.category), .text(record.id), .blob(data))
                }
                try tree.append(entry.leafHash)
            }
            try tree.finish()
            guard tree.root == batch.root else {
                throw HQStorageError(.rootMismatch, "the entries \(batch.start)..<\(batch.end) produce a root other than the verified one",
                                     hint: "nothing was stored; report this as a bug")
            }
            // Seen checkpoints the new entries reach: a different root is proof of a fork.
            var contradicted: [StoredCheckpoint] = []
            let reader = TileStorage.reader(db, hasher: hasher)
            for row in try Row.fetchAll(db, sql: "SELECT size, root, note, seen_at AS stored_at FROM seen_checkpoint WHERE size > ? AND size <= ? ORDER BY size",
                                        arguments: [try SQLiteInteger.from(batch.start), try SQLiteInteger.from(tree.size)]) {
                let seen = try StoredCheckpoint(row: row)
                if try MerkleProofs(hasher: hasher).root(size: seen.size, reader: reader) != seen.root { contradicted.append(seen) }
            }
            return AppendOutcome(nextEntry: tree.size, duplicates: duplicates, contradicted: contradicted)
        }
    }

    // MARK: - Receipts

    func receipt(size: UInt64, cosigner: String, keyID: UInt32, now: Date,
                 cosign: @escaping @Sendable (Checkpoint) throws -> NoteSignature) async throws -> NoteSignature {
        let key = try SQLiteInteger.from(size)
        let province = province
        return try await pool.write { db in
            guard let stored = try Self.checkpoint(db, sql: "SELECT size, root, note, stored_at FROM checkpoint WHERE size = ?", arguments: [key]) else {
                throw HQStorageError(.noSuchCheckpoint, "HQ holds no checkpoint of size \(size) for \(province)", hint: "submit the checkpoint first")
            }
            guard try Self.entryCount(db) >= size else {
                throw HQStorageError(.incomplete, "HQ does not hold all entries up to \(size) of \(province) yet", hint: "upload the missing entries")
            }
            if let line = try String.fetchOne(db, sql: "SELECT signature_line FROM receipt WHERE size = ? AND cosigner = ? AND key_id = ?",
                                              arguments: [key, cosigner, Int64(keyID)]) {
                return try SignedNote.parseSignatureLines(line)[0]
            }
            let signature = try cosign(try stored.checkpoint)
            guard let time = Cosignatures.timestamp(of: signature.signature) else {
                throw HQStorageError(.schema, "the cosignature carries no timestamp", hint: "report this as a bug")
            }
            try db.execute(sql: "INSERT INTO receipt (size, cosigner, key_id, time, signature_line) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key, cosigner, Int64(keyID), try SQLiteInteger.from(time), signature.line])
            return signature
        }
    }
}
