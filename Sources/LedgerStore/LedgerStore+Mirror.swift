import Foundation
import GRDB
import LedgerCore

/// HQ's side of a ledger file: a mirror of a province log, filled only with entries verified
/// against the province's signed checkpoints, plus the receipts HQ issued.
extension LedgerStore {
    /// Where a mirror stands.
    public struct MirrorStatus: Sendable {
        /// Entries stored (all verified against a signed checkpoint).
        public var nextEntry: UInt64
        /// The latest signed checkpoint accepted (may be ahead of the entries while an upload runs).
        public var pending: VerifiedCheckpoint?
        /// The latest checkpoint the stored entries reach: the mirror checkpoint.
        public var complete: VerifiedCheckpoint?
        public var receipts: Int

        public var size: UInt64 { complete?.size ?? 0 }
        public var pendingSize: UInt64 { pending?.size ?? 0 }
    }

    public func mirrorStatus() throws -> MirrorStatus {
        let (next, pendingNote, completeNote, receipts) = try pool.read { db in
            let next = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
            let pending = try String.fetchOne(db, sql: "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1")
            let complete = try String.fetchOne(db, sql: "SELECT note FROM checkpoint WHERE size <= ? ORDER BY size DESC LIMIT 1", arguments: [Int64(next)])
            let receipts = try Int.fetchOne(db, sql: "SELECT count(*) FROM receipt") ?? 0
            return (next, pending, complete, receipts)
        }
        return MirrorStatus(nextEntry: next, pending: try pendingNote.map(verifiedCheckpoint),
                            complete: try completeNote.map(verifiedCheckpoint), receipts: receipts)
    }

    /// The right edge of the stored tree.
    public func frontier() throws -> MerkleFrontier {
        try pool.read { db in try LogWriter(db: db, suite: suite).frontier }
    }

    /// The root this store can vouch for at `size`: a stored checkpoint's, or the stored entries'.
    public func knownRoot(size: UInt64) throws -> Hash? {
        try pool.read { db in
            if let root = try Data.fetchOne(db, sql: "SELECT root FROM checkpoint WHERE size = ?", arguments: [Int64(size)]) {
                return Hash(root)
            }
            let entries = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
            guard size <= entries else { return nil }
            return try MerkleProofs(hasher: suite.treeHasher).root(size: size, reader: TileReader(db: db, hasher: suite.treeHasher))
        }
    }

    /// Stores a province checkpoint that was verified and found to extend the latest one.
    /// Refuses (atomically) if a checkpoint of this size or larger arrived meanwhile.
    public func addPendingCheckpoint(_ checkpoint: VerifiedCheckpoint, now: Date) async throws {
        try requireRole(.mirror)
        try await pool.write { db in
            let latest = try Int64.fetchOne(db, sql: "SELECT max(size) FROM checkpoint")
            if let latest, UInt64(latest) >= checkpoint.size {
                throw LedgerStoreError(.staleCheckpoint, "a checkpoint of size \(latest) is already stored; \(checkpoint.size) does not extend it",
                                       hint: "ask HQ for its state and retry")
            }
            try Self.insertCheckpoint(checkpoint, db: db, now: now)
        }
    }

    /// Appends entries to a mirror exactly as given (no duplicate skipping: they are the
    /// province's log), in one transaction, refusing unless they produce `expectedRoot`.
    /// The caller has verified them against a signed checkpoint; this is defence in depth.
    @discardableResult
    public func appendMirrored(_ entries: [PreparedEntry], expectedRoot: Hash) async throws -> UInt64 {
        try requireRole(.mirror)
        for record in entries.lazy.map(\.record) where record.province != metadata.province {
            throw LedgerStoreError(.entryRejected, "entry \(record.changeID) is for province \(record.province), this mirror holds \(metadata.province)",
                                   hint: "a province uploads only its own log")
        }
        defer { checkpointer.nudge() }
        return try await pool.write { db in
            var writer = try LogWriter(db: db, suite: suite)
            try writer.append(entries, skipDuplicates: false)
            try writer.finish()
            guard writer.root == expectedRoot else {
                throw LedgerStoreError(.rootMismatch, "the entries produce a root other than the verified one at size \(writer.size)",
                                       hint: "nothing was stored; report this as a bug")
            }
            return writer.size
        }
    }

    func requireRole(_ role: LedgerMetadata.Role) throws {
        guard metadata.role == role else {
            throw LedgerStoreError(.wrongRole, "\(path) is a \(metadata.role.rawValue) ledger, not a \(role.rawValue)",
                                   hint: role == .mirror ? "only HQ's mirrors take uploads" : "only a province appends to its own ledger")
        }
    }

    // MARK: - Receipts

    /// A cosignature of one of this log's checkpoints: an HQ receipt.
    public struct Receipt: Sendable, Equatable {
        public var size: UInt64
        public var cosigner: String
        public var keyID: UInt32
        /// Unix seconds, from the cosignature.
        public var time: UInt64
        public var signature: NoteSignature
    }

    /// Stores a receipt (already verified by the caller) for the stored checkpoint of `size`.
    /// Storing the same cosigner's receipt for a size twice keeps the first.
    public func storeReceipt(size: UInt64, signature: NoteSignature, time: UInt64) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoint WHERE size = ?", arguments: [Int64(size)]) == 1 else {
                throw LedgerStoreError(.noSuchCheckpoint, "there is no checkpoint of size \(size) to attach a receipt to",
                                       hint: "a receipt cosigns one of this log's checkpoints")
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO receipt (size, cosigner, key_id, time, signature_line) VALUES (?, ?, ?, ?, ?)
                """, arguments: [Int64(size), signature.name, Int64(signature.keyID), Int64(time), signature.line])
        }
    }

    /// Receipts, newest checkpoint first.
    public func receipts(size: UInt64? = nil) throws -> [Receipt] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT size, cosigner, key_id, time, signature_line FROM receipt
                WHERE ?1 IS NULL OR size = ?1 ORDER BY size DESC, time DESC
                """, arguments: [size.map { Int64($0) }])
            return try rows.map { row in
                let signature = try SignedNote.parseSignatureLines(row["signature_line"])[0]
                return Receipt(size: UInt64(row["size"] as Int64), cosigner: row["cosigner"], keyID: UInt32(row["key_id"] as Int64),
                               time: UInt64(row["time"] as Int64), signature: signature)
            }
        }
    }
}
