import Foundation
import GRDB
import HQStorage
import LedgerCore
import LedgerStore

/// HQ's registry in `hq.sqlite`.
final class SQLiteRegistry: RegistryStore {
    let pool: DatabasePool

    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        // `hq status` opens the registry beside a running `hq serve`: wait on its write lock.
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteRegistrySchema.migrator.migrate(pool)
    }

    func close() throws { try pool.close() }

    // MARK: - Enrolment

    /// Inserts the enrolment; the same key again is a no-op, another key is refused.
    func enroll(province: String, verifierKey: VerifierKey, suite: SuiteID, now: Date) async throws -> Enrolment {
        try await pool.write { db in
            if let existing = try Self.enrolment(province: province, db: db) {
                guard existing.keys.contains(where: { $0.verifierKey == verifierKey.string }) else {
                    throw HQStorageError(.enrolment, "province \(province) is enrolled with another key (\(existing.verifierKey))",
                                         hint: "a log key changes only by rotation: `creditsync hq enroll --rotate` with the checkpoint signed by both keys")
                }
                return existing
            }
            if let other = try String.fetchOne(db, sql: "SELECT province FROM enrolment WHERE origin = ?", arguments: [verifierKey.name]) {
                throw HQStorageError(.enrolment, "origin \(verifierKey.name) is already enrolled for province \(other)", hint: "each province's log has its own origin")
            }
            let at = Int64(now.timeIntervalSince1970)
            try db.execute(sql: "INSERT INTO enrolment (province, origin, suite, verifier_key, enrolled_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [province, verifierKey.name, suite.rawValue, verifierKey.string, at])
            try db.execute(sql: "INSERT INTO enrolment_key (province, verifier_key, from_size, added_at, rotation_note) VALUES (?, ?, 0, ?, NULL)",
                           arguments: [province, verifierKey.string, at])
            return try Self.enrolment(province: province, db: db)!
        }
    }

    func enrolment(province: String) async throws -> Enrolment? {
        try await pool.read { db in try Self.enrolment(province: province, db: db) }
    }

    func enrolments() async throws -> [Enrolment] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT province FROM enrolment ORDER BY province").compactMap { try Self.enrolment(province: $0, db: db) }
        }
    }

    func rotateKey(province: String, verifierKey: String, fromSize: UInt64, rotationNote: String, now: Date) async throws -> Enrolment {
        let from = try SQLiteInteger.from(fromSize)
        return try await pool.write { db in
            guard let existing = try Self.enrolment(province: province, db: db) else {
                throw HQStorageError(.notEnrolled, "province \(province) is not enrolled", hint: "enrol it first")
            }
            guard !existing.keys.contains(where: { $0.verifierKey == verifierKey }) else {
                throw HQStorageError(.enrolment, "\(verifierKey) is already a key of \(province)", hint: "rotate to a new key")
            }
            guard let current = existing.keys.last, fromSize >= current.fromSize else {
                throw HQStorageError(.enrolment, "the rotation at size \(fromSize) precedes the current key's start", hint: "rotate at the ledger's latest checkpoint")
            }
            try db.execute(sql: "INSERT INTO enrolment_key (province, verifier_key, from_size, added_at, rotation_note) VALUES (?, ?, ?, ?, ?)",
                           arguments: [province, verifierKey, from, Int64(now.timeIntervalSince1970), rotationNote])
            return try Self.enrolment(province: province, db: db)!
        }
    }

    static func enrolment(province: String, db: Database) throws -> Enrolment? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM enrolment WHERE province = ?", arguments: [province]) else { return nil }
        let keys = try Row.fetchAll(db, sql: "SELECT * FROM enrolment_key WHERE province = ? ORDER BY from_size, added_at", arguments: [province]).map {
            Enrolment.Key(verifierKey: $0["verifier_key"], fromSize: try SQLiteInteger.size($0["from_size"]),
                          addedAt: Date(timeIntervalSince1970: Double($0["added_at"] as Int64)), rotationNote: $0["rotation_note"])
        }
        return Enrolment(province: row["province"], origin: row["origin"], suite: try SuiteID(parsing: row["suite"]),
                         enrolledAt: Date(timeIntervalSince1970: Double(row["enrolled_at"] as Int64)), keys: keys)
    }

    // MARK: - Events, evidence, alarms

    func recordEvent(_ event: SyncEvent) async throws {
        let size = try event.size.map { try SQLiteInteger.from($0) }
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO sync_event (province, at, kind, outcome, entries, bytes, size, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [event.province, Int64(event.at.timeIntervalSince1970), event.kind.rawValue, event.outcome,
                                       event.entries, event.bytes, size, event.detail])
        }
    }

    func events(province: String, limit: Int) async throws -> [SyncEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sync_event WHERE province = ? ORDER BY id DESC LIMIT ?", arguments: [province, limit]).map {
                SyncEvent(province: $0["province"], at: Date(timeIntervalSince1970: Double($0["at"] as Int64)),
                          kind: SyncEvent.Kind(rawValue: $0["kind"]) ?? .refusal, outcome: $0["outcome"], entries: $0["entries"], bytes: $0["bytes"],
                          size: try ($0["size"] as Int64?).map { try SQLiteInteger.size($0) }, detail: $0["detail"])
            }
        }
    }

    func lastSync(province: String) async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(at) FROM sync_event WHERE province = ? AND kind = 'upload' AND outcome = 'complete'",
                               arguments: [province]).map { Date(timeIntervalSince1970: Double($0)) }
        }
    }

    func recordFork(_ evidence: ForkEvidence) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO fork_evidence (province, detected_at, reason, held_checkpoint, submitted_checkpoint, proof) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [evidence.province, Int64(evidence.detectedAt.timeIntervalSince1970), evidence.reason,
                                 evidence.heldCheckpoint, evidence.submittedCheckpoint, evidence.proof])
            try db.execute(sql: "INSERT INTO alarm (province, raised_at, kind, message) VALUES (?, ?, 'fork', ?)",
                           arguments: [evidence.province, Int64(evidence.detectedAt.timeIntervalSince1970), evidence.reason])
        }
    }

    func forks(province: String?) async throws -> [ForkEvidence] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fork_evidence WHERE ?1 IS NULL OR province = ?1 ORDER BY id", arguments: [province]).map {
                ForkEvidence(province: $0["province"], detectedAt: Date(timeIntervalSince1970: Double($0["detected_at"] as Int64)), reason: $0["reason"],
                             heldCheckpoint: $0["held_checkpoint"], submittedCheckpoint: $0["submitted_checkpoint"], proof: $0["proof"])
            }
        }
    }

    func raiseAlarm(_ alarm: Alarm) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO alarm (province, raised_at, kind, message) VALUES (?, ?, ?, ?)",
                           arguments: [alarm.province, Int64(alarm.raisedAt.timeIntervalSince1970), alarm.kind, alarm.message])
        }
    }

    func alarms(province: String?) async throws -> [Alarm] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alarm WHERE ?1 IS NULL OR province = ?1 ORDER BY raised_at DESC, id DESC", arguments: [province]).map {
                Alarm(province: $0["province"], raisedAt: Date(timeIntervalSince1970: Double($0["raised_at"] as Int64)), kind: $0["kind"], message: $0["message"])
            }
        }
    }

    // MARK: - Revocations

    func revoke(_ revocation: Revocation) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO revocation (kind, value, province, reason, revoked_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [revocation.kind.rawValue, revocation.value, revocation.province, revocation.reason,
                                       Int64(revocation.revokedAt.timeIntervalSince1970)])
            return db.changesCount == 1
        }
    }

    func revocations() async throws -> [Revocation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM revocation ORDER BY id").map {
                Revocation(kind: Revocation.Kind(rawValue: $0["kind"]) ?? .certificate, value: $0["value"], province: $0["province"],
                           reason: $0["reason"], revokedAt: Date(timeIntervalSince1970: Double($0["revoked_at"] as Int64)))
            }
        }
    }

    func isRevoked(_ kind: Revocation.Kind, _ value: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM revocation WHERE kind = ? AND value = ?)", arguments: [kind.rawValue, value]) ?? false
        }
    }
}
