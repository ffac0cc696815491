import Foundation
import GRDB
public import LedgerCore

/// HQ's receipts (cosignatures of this log's checkpoints), as the province stores them.
extension LedgerStore {
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
        let (key, stamp) = (try SQLiteInteger.from(size), try SQLiteInteger.from(time))
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoint WHERE size = ?", arguments: [key]) == 1 else {
                throw LedgerStoreError(.noSuchCheckpoint, "there is no checkpoint of size \(size) to attach a receipt to",
                                       hint: "a receipt cosigns one of this log's checkpoints")
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO receipt (size, cosigner, key_id, time, signature_line) VALUES (?, ?, ?, ?, ?)
                """, arguments: [key, signature.name, Int64(signature.keyID), stamp, signature.line])
        }
    }

    /// Receipts, newest checkpoint first.
    public func receipts(size: UInt64? = nil) async throws -> [Receipt] {
        let key = try size.map { try SQLiteInteger.from($0) }
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT size, cosigner, key_id, time, signature_line FROM receipt
                WHERE ?1 IS NULL OR size = ?1 ORDER BY size DESC, time DESC
                """, arguments: [key])
            return try rows.map { row in
                let signature = try SignedNote.parseSignatureLines(row["signature_line"])[0]
                return Receipt(size: try SQLiteInteger.size(row["size"]), cosigner: row["cosigner"], keyID: UInt32(row["key_id"] as Int64),
                               time: try SQLiteInteger.size(row["time"]), signature: signature)
            }
        }
    }
}
