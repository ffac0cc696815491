public import Foundation
import GRDB
public import LedgerCore

extension LedgerStore {
    /// What one province append batch did.
    public struct AppendResult: Sendable {
        /// Entries added to the log.
        public var appended: Int
        /// Records whose `change_id` the log already held: acknowledged, not added again.
        public var duplicates: Int
        /// The checkpoint covering the log after this batch (new if anything was appended).
        public var checkpoint: VerifiedCheckpoint
    }

    /// Appends a batch of records to a province ledger and signs a checkpoint, all in one
    /// transaction. Records whose `change_id` is already in the log are skipped.
    @discardableResult
    public func append(_ records: [ChangeRecord], signer: any NoteSigner, now: Date) async throws -> AppendResult {
        try await append(prepared: records.map { PreparedEntry($0, suite: suite) }, signer: signer, now: now)
    }

    /// `append` for entries whose hashes were computed beforehand (by the ingest pipeline).
    @discardableResult
    public func append(prepared entries: [PreparedEntry], signer: any NoteSigner, now: Date) async throws -> AppendResult {
        for record in entries.lazy.map(\.record) where record.province != metadata.province {
            throw LedgerStoreError(.entryRejected, "record \(record.changeID) is for province \(record.province), this ledger holds \(metadata.province)",
                                   hint: "send each province's records to that province's ledger")
        }
        defer { checkpointer.nudge() }
        return try await pool.write { db in
            try self.requireCurrentSigner(signer, db: db)
            var writer = try LogWriter(db: db, suite: suite)
            let appended = try writer.append(entries, skipDuplicates: true)
            try writer.finish()
            if appended == 0, let latest = try String.fetchOne(db, sql: "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1") {
                return AppendResult(appended: 0, duplicates: entries.count, checkpoint: try self.verifiedCheckpoint(latest, db: db))
            }
            let checkpoint = try VerifiedCheckpoint.sign(
                Checkpoint(origin: self.metadata.origin, size: writer.size, root: writer.root, suite: self.suite.id), with: signer)
            try Self.insertCheckpoint(checkpoint, db: db, now: now)
            return AppendResult(appended: appended, duplicates: entries.count - appended, checkpoint: checkpoint)
        }
    }
}
