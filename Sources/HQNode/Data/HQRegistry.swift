import Foundation
import GRDB
import LedgerCore

/// HQ's own records (`hq.sqlite`): enrolled provinces and their log keys, sync history, fork
/// evidence and alarms. Evidence and alarms are append-only.
public final class HQRegistry: Sendable {
    let pool: DatabasePool

    public struct Enrolment: Sendable, Equatable {
        public var province: String
        public var origin: String
        public var suite: SuiteID
        public var verifierKey: String
        public var enrolledAt: Date
    }

    public struct Alarm: Sendable, Equatable {
        public var province: String?
        public var raisedAt: Date
        public var kind: String
        public var message: String
    }

    public struct ForkEvidence: Sendable, Equatable {
        public var province: String
        public var detectedAt: Date
        public var reason: String
        public var heldCheckpoint: String?
        public var submittedCheckpoint: String
        public var proof: String?
    }

    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        // `hq status` opens the registry beside a running `hq serve`: wait on its write lock.
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registry") { db in
            try db.execute(sql: """
                CREATE TABLE enrolment (
                    province TEXT PRIMARY KEY NOT NULL CHECK (length(province) = 6),
                    origin TEXT NOT NULL UNIQUE,
                    suite TEXT NOT NULL,
                    verifier_key TEXT NOT NULL,
                    enrolled_at INTEGER NOT NULL
                );
                CREATE TABLE sync_event (
                    id INTEGER PRIMARY KEY,
                    province TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    entries INTEGER NOT NULL DEFAULT 0,
                    bytes INTEGER NOT NULL DEFAULT 0,
                    size INTEGER,
                    detail TEXT
                );
                CREATE INDEX sync_event_by_province ON sync_event (province, kind, outcome, at);
                CREATE TABLE fork_evidence (
                    id INTEGER PRIMARY KEY,
                    province TEXT NOT NULL,
                    detected_at INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    held_checkpoint TEXT,
                    submitted_checkpoint TEXT NOT NULL,
                    proof TEXT
                );
                CREATE TRIGGER fork_evidence_kept_update BEFORE UPDATE ON fork_evidence
                BEGIN SELECT RAISE(ABORT, 'fork evidence is kept as it was recorded'); END;
                CREATE TRIGGER fork_evidence_kept_delete BEFORE DELETE ON fork_evidence
                BEGIN SELECT RAISE(ABORT, 'fork evidence is kept as it was recorded'); END;
                CREATE TABLE alarm (
                    id INTEGER PRIMARY KEY,
                    province TEXT,
                    raised_at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE TRIGGER alarm_kept_delete BEFORE DELETE ON alarm
                BEGIN SELECT RAISE(ABORT, 'alarms are kept'); END;
                """)
        }
        return migrator
    }

    // MARK: - Enrolment

    /// Enrols `province` with its log verifier key. Enrolling the same key again is a no-op; a
    /// different key for an enrolled province is refused (key rotation is a separate procedure).
    public func enroll(province: String, verifierKey: String, suite: SuiteID, now: Date) throws -> Enrolment {
        let key = try VerifierKey(parsing: verifierKey)
        return try pool.write { db in
            if let existing = try enrolment(province: province, db: db) {
                guard existing.verifierKey == key.string else {
                    throw HQError(.enrolment, "province \(province) is enrolled with another key (\(existing.verifierKey))",
                                  hint: "a log key changes only by rotation: a checkpoint signed by both keys (not yet supported)")
                }
                return existing
            }
            if let other = try String.fetchOne(db, sql: "SELECT province FROM enrolment WHERE origin = ?", arguments: [key.name]) {
                throw HQError(.enrolment, "origin \(key.name) is already enrolled for province \(other)", hint: "each province's log has its own origin")
            }
            try db.execute(sql: "INSERT INTO enrolment (province, origin, suite, verifier_key, enrolled_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [province, key.name, suite.rawValue, key.string, Int64(now.timeIntervalSince1970)])
            return Enrolment(province: province, origin: key.name, suite: suite, verifierKey: key.string, enrolledAt: now)
        }
    }

    public func enrolment(province: String) throws -> Enrolment? {
        try pool.read { db in try enrolment(province: province, db: db) }
    }

    public func enrolments() throws -> [Enrolment] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM enrolment ORDER BY province").map(Self.enrolment(row:))
        }
    }

    private func enrolment(province: String, db: Database) throws -> Enrolment? {
        try Row.fetchOne(db, sql: "SELECT * FROM enrolment WHERE province = ?", arguments: [province]).map(Self.enrolment(row:))
    }

    private static func enrolment(row: Row) throws -> Enrolment {
        Enrolment(province: row["province"], origin: row["origin"], suite: try SuiteID(parsing: row["suite"]),
                  verifierKey: row["verifier_key"], enrolledAt: Date(timeIntervalSince1970: Double(row["enrolled_at"] as Int64)))
    }

    // MARK: - History, evidence, alarms

    public enum EventKind: String, Sendable {
        case checkpoint
        case upload
    }

    public func recordEvent(province: String, kind: EventKind, outcome: String, entries: Int = 0, bytes: Int = 0, size: UInt64? = nil,
                            detail: String? = nil, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO sync_event (province, at, kind, outcome, entries, bytes, size, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [province, Int64(time.timeIntervalSince1970), kind.rawValue, outcome, entries, bytes, size.map { Int64($0) }, detail])
        }
    }

    /// Keeps both checkpoints of a fork and raises an alarm, in one transaction.
    public func recordFork(_ evidence: ForkEvidence) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO fork_evidence (province, detected_at, reason, held_checkpoint, submitted_checkpoint, proof) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [evidence.province, Int64(evidence.detectedAt.timeIntervalSince1970), evidence.reason,
                                 evidence.heldCheckpoint, evidence.submittedCheckpoint, evidence.proof])
            try db.execute(sql: "INSERT INTO alarm (province, raised_at, kind, message) VALUES (?, ?, 'fork', ?)",
                           arguments: [evidence.province, Int64(evidence.detectedAt.timeIntervalSince1970), evidence.reason])
        }
    }

    public func raiseAlarm(province: String?, kind: String, message: String, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO alarm (province, raised_at, kind, message) VALUES (?, ?, ?, ?)",
                           arguments: [province, Int64(time.timeIntervalSince1970), kind, message])
        }
    }

    public func alarms(province: String? = nil) throws -> [Alarm] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alarm WHERE ?1 IS NULL OR province = ?1 ORDER BY raised_at DESC, id DESC", arguments: [province]).map {
                Alarm(province: $0["province"], raisedAt: Date(timeIntervalSince1970: Double($0["raised_at"] as Int64)), kind: $0["kind"], message: $0["message"])
            }
        }
    }

    public func forks(province: String? = nil) throws -> [ForkEvidence] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fork_evidence WHERE ?1 IS NULL OR province = ?1 ORDER BY id", arguments: [province]).map {
                ForkEvidence(province: $0["province"], detectedAt: Date(timeIntervalSince1970: Double($0["detected_at"] as Int64)), reason: $0["reason"],
                             heldCheckpoint: $0["held_checkpoint"], submittedCheckpoint: $0["submitted_checkpoint"], proof: $0["proof"])
            }
        }
    }

    /// The time of the province's last completed upload.
    public func lastSync(province: String) throws -> Date? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(at) FROM sync_event WHERE province = ? AND kind = 'upload' AND outcome = 'complete'",
                               arguments: [province]).map { Date(timeIntervalSince1970: Double($0)) }
        }
    }
}
