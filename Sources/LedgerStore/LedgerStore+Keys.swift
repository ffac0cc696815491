public import Foundation
import GRDB
public import LedgerCore

/// The log's signing keys over time (DESIGN §4, key rotation).
extension LedgerStore {
    /// One key of the history, with the checkpoint that announced it (signed by the previous
    /// key and this one; nil for the first key).
    public struct LogKey: Sendable, Equatable {
        public var verifierKey: String
        public var fromSize: UInt64
        public var addedAt: Date
        public var rotationNote: String?
    }

    public func logKeys() async throws -> [LogKey] {
        try await pool.read { db in try Self.logKeys(db) }
    }

    /// The verifiers of this log's keys with their validity ranges.
    public func keyHistory() async throws -> LogKeyHistory {
        let suite = suite
        return try await pool.read { db in try Self.keyHistory(db, suite: suite) }
    }

    static func logKeys(_ db: Database) throws -> [LogKey] {
        try Row.fetchAll(db, sql: "SELECT verifier_key, from_size, added_at, rotation_note FROM log_key ORDER BY from_size, added_at").map {
            LogKey(verifierKey: $0["verifier_key"], fromSize: try SQLiteInteger.size($0["from_size"]),
                   addedAt: Date(timeIntervalSince1970: Double($0["added_at"] as Int64)), rotationNote: $0["rotation_note"])
        }
    }

    static func keyHistory(_ db: Database, suite: Suite) throws -> LogKeyHistory {
        let keys = try logKeys(db)
        do {
            return try LogKeyHistory(keys.map { ($0.verifierKey, $0.fromSize) }, suite: suite)
        } catch {
            throw LedgerStoreError.corrupt("the ledger's key history does not hold together: \(error.message)", index: nil)
        }
    }

    static func insertKey(_ verifierKey: String, fromSize: UInt64, rotationNote: String?, db: Database, now: Date) throws {
        try db.execute(sql: "INSERT INTO log_key (verifier_key, from_size, added_at, rotation_note) VALUES (?, ?, ?, ?)",
                       arguments: [verifierKey, try SQLiteInteger.from(fromSize), Int64(now.timeIntervalSince1970), rotationNote])
    }

    /// Checks that `signer` is the key that signs new checkpoints.
    func requireCurrentSigner(_ signer: any NoteSigner, db: Database) throws {
        let current = try Self.keyHistory(db, suite: suite).current.verifierKey
        guard signer.verifierKey == current else {
            throw LedgerStoreError(.keyMismatch, "the signing key \(signer.verifierKey) is not this ledger's current key \(current)",
                                   hint: "use the signing.key of this ledger directory")
        }
    }

    /// Rotates the signing key: the latest checkpoint is signed by the current key and `new`,
    /// and `new` becomes the key of every later checkpoint. Returns that rotation checkpoint: HQ
    /// enrols the new key from it (`creditsync hq enroll --rotate`), and old checkpoints still
    /// verify with the old key.
    public func rotateKey(from current: any NoteSigner, to new: any NoteSigner, now: Date) async throws -> VerifiedCheckpoint {
        guard new.name == metadata.origin, new.keyType == suite.signatures.keyType else {
            throw LedgerStoreError(.keyMismatch, "the new key \(new.verifierKey) is not a \(suite.id.rawValue) key named \(metadata.origin)",
                                   hint: "generate the new key with this ledger's suite and origin")
        }
        return try await pool.write { db in
            try self.requireCurrentSigner(current, db: db)
            guard try !Self.logKeys(db).contains(where: { $0.verifierKey == new.verifierKey }) else {
                throw LedgerStoreError(.keyMismatch, "\(new.verifierKey) was already a key of this ledger", hint: "rotate to a freshly generated key")
            }
            guard let note = try String.fetchOne(db, sql: "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1") else {
                throw LedgerStoreError(.noSuchCheckpoint, "the ledger has no checkpoint", hint: "a ledger starts with one; restore it")
            }
            let latest = try self.verifiedCheckpoint(note, db: db)
            let rotation = try VerifiedCheckpoint.sign(latest.checkpoint, with: [current, new])
            try Self.insertKey(new.verifierKey, fromSize: latest.size, rotationNote: rotation.text, db: db, now: now)
            return rotation
        }
    }
}
