import Foundation
import HQStorage
import LedgerCore
import Logging
import PostgresNIO

/// HQ's registry in PostgreSQL.
struct PostgresRegistry: RegistryStore {
    let client: PostgresClient
    let logger: Logger

    // MARK: - Enrolment

    func enrolment(province: String) async throws -> Enrolment? {
        try await client.withConnection { connection in try await Self.enrolment(province: province, connection: connection, logger: logger) }
    }

    func enrolments() async throws -> [Enrolment] {
        try await client.withConnection { connection in
            var provinces: [String] = []
            for try await province in try await connection.query("SELECT province FROM enrolment ORDER BY province", logger: logger).decode(String.self) {
                provinces.append(province)
            }
            var enrolments: [Enrolment] = []
            for province in provinces {
                if let enrolment = try await Self.enrolment(province: province, connection: connection, logger: logger) { enrolments.append(enrolment) }
            }
            return enrolments
        }
    }

    static func enrolment(province: String, connection: PostgresConnection, logger: Logger) async throws -> Enrolment? {
        var row: (String, String, Int64)?
        for try await found in try await connection.query("SELECT origin, suite, enrolled_at FROM enrolment WHERE province = \(province)",
                                                           logger: logger).decode((String, String, Int64).self) {
            row = found
        }
        guard let (origin, suite, enrolledAt) = row else { return nil }
        var keys: [Enrolment.Key] = []
        for try await (key, from, added, note) in try await connection.query("""
            SELECT verifier_key, from_size, added_at, rotation_note FROM enrolment_key WHERE province = \(province) ORDER BY from_size, added_at
            """, logger: logger).decode((String, Int64, Int64, String?).self) {
            keys.append(Enrolment.Key(verifierKey: key, fromSize: try PostgresValue.size(from), addedAt: PostgresValue.date(added), rotationNote: note))
        }
        return Enrolment(province: province, origin: origin, suite: try SuiteID(parsing: suite), enrolledAt: PostgresValue.date(enrolledAt), keys: keys)
    }

    func rotateKey(province: String, verifierKey: String, fromSize: UInt64, rotationNote: String, now: Date) async throws -> Enrolment {
        let from = try PostgresValue.bigint(fromSize)
        return try await client.transaction(logger: logger) { connection in
            try await connection.run("SELECT province FROM mirror WHERE province = \(province) FOR UPDATE", logger: logger)
            guard let existing = try await Self.enrolment(province: province, connection: connection, logger: logger) else {
                throw HQStorageError(.notEnrolled, "province \(province) is not enrolled", hint: "enrol it first")
            }
            guard !existing.keys.contains(where: { $0.verifierKey == verifierKey }) else {
                throw HQStorageError(.enrolment, "\(verifierKey) is already a key of \(province)", hint: "rotate to a new key")
            }
            guard let current = existing.keys.last, fromSize >= current.fromSize else {
                throw HQStorageError(.enrolment, "the rotation at size \(fromSize) precedes the current key's start", hint: "rotate at the ledger's latest checkpoint")
            }
            try await connection.run("""
                INSERT INTO enrolment_key (province, verifier_key, from_size, added_at, rotation_note)
                VALUES (\(province), \(verifierKey), \(from), \(PostgresValue.seconds(now)), \(rotationNote))
                """, logger: logger)
            return try await Self.enrolment(province: province, connection: connection, logger: logger)!
        }
    }

    // MARK: - Events, evidence, alarms

    func recordEvent(_ event: SyncEvent) async throws {
        let size = try event.size.map { try PostgresValue.bigint($0) }
        try await client.run("""
            INSERT INTO sync_event (province, at, kind, outcome, entries, bytes, size, detail)
            VALUES (\(event.province), \(PostgresValue.seconds(event.at)), \(event.kind.rawValue), \(event.outcome), \(Int64(event.entries)), \(Int64(event.bytes)), \(size), \(event.detail))
            """, logger: logger)
    }

    func events(province: String, limit: Int) async throws -> [SyncEvent] {
        var events: [SyncEvent] = []
        for try await (at, kind, outcome, entries, bytes, size, detail) in try await client.query("""
            SELECT at, kind, outcome, entries, bytes, size, detail FROM sync_event WHERE province = \(province) ORDER BY id DESC LIMIT \(Int64(limit))
            """, logger: logger).decode((Int64, String, String, Int64, Int64, Int64?, String?).self) {
            events.append(SyncEvent(province: province, at: PostgresValue.date(at), kind: SyncEvent.Kind(rawValue: kind) ?? .refusal, outcome: outcome,
                                    entries: Int(entries), bytes: Int(bytes), size: try size.map { try PostgresValue.size($0) }, detail: detail))
        }
        return events
    }

    func lastSync(province: String) async throws -> Date? {
        for try await at in try await client.query("""
            SELECT max(at) FROM sync_event WHERE province = \(province) AND kind = 'upload' AND outcome = 'complete'
            """, logger: logger).decode(Int64?.self) {
            return at.map(PostgresValue.date)
        }
        return nil
    }

    func recordFork(_ evidence: ForkEvidence) async throws {
        let at = PostgresValue.seconds(evidence.detectedAt)
        try await client.transaction(logger: logger) { connection in
            try await connection.run("""
                INSERT INTO fork_evidence (province, detected_at, reason, held_checkpoint, submitted_checkpoint, proof)
                VALUES (\(evidence.province), \(at), \(evidence.reason), \(evidence.heldCheckpoint), \(evidence.submittedCheckpoint), \(evidence.proof))
                """, logger: logger)
            try await connection.run("INSERT INTO alarm (province, raised_at, kind, message) VALUES (\(evidence.province), \(at), 'fork', \(evidence.reason))",
                                     logger: logger)
        }
    }

    func forks(province: String?) async throws -> [ForkEvidence] {
        var forks: [ForkEvidence] = []
        for try await (p, at, reason, held, submitted, proof) in try await client.query("""
            SELECT province, detected_at, reason, held_checkpoint, submitted_checkpoint, proof FROM fork_evidence
            WHERE \(province)::text IS NULL OR province = \(province) ORDER BY id
            """, logger: logger).decode((String, Int64, String, String?, String, String?).self) {
            forks.append(ForkEvidence(province: p, detectedAt: PostgresValue.date(at), reason: reason, heldCheckpoint: held, submittedCheckpoint: submitted, proof: proof))
        }
        return forks
    }

    func raiseAlarm(_ alarm: Alarm) async throws {
        try await client.run("""
            INSERT INTO alarm (province, raised_at, kind, message) VALUES (\(alarm.province), \(PostgresValue.seconds(alarm.raisedAt)), \(alarm.kind), \(alarm.message))
            """, logger: logger)
    }

    func alarms(province: String?) async throws -> [Alarm] {
        var alarms: [Alarm] = []
        for try await (p, at, kind, message) in try await client.query("""
            SELECT province, raised_at, kind, message FROM alarm WHERE \(province)::text IS NULL OR province = \(province) ORDER BY raised_at DESC, id DESC
            """, logger: logger).decode((String?, Int64, String, String).self) {
            alarms.append(Alarm(province: p, raisedAt: PostgresValue.date(at), kind: kind, message: message))
        }
        return alarms
    }

    // MARK: - Revocations

    func revoke(_ revocation: Revocation) async throws -> Bool {
        var inserted = false
        for try await _ in try await client.query("""
            INSERT INTO revocation (kind, value, province, reason, revoked_at)
            VALUES (\(revocation.kind.rawValue), \(revocation.value), \(revocation.province), \(revocation.reason), \(PostgresValue.seconds(revocation.revokedAt)))
            ON CONFLICT (kind, value) DO NOTHING RETURNING id
            """, logger: logger).decode(Int64.self) {
            inserted = true
        }
        return inserted
    }

    func revocations() async throws -> [Revocation] {
        var revocations: [Revocation] = []
        for try await (kind, value, province, reason, at) in try await client.query("""
            SELECT kind, value, province, reason, revoked_at FROM revocation ORDER BY id
            """, logger: logger).decode((String, String, String?, String, Int64).self) {
            revocations.append(Revocation(kind: Revocation.Kind(rawValue: kind) ?? .certificate, value: value, province: province, reason: reason,
                                          revokedAt: PostgresValue.date(at)))
        }
        return revocations
    }

    func isRevoked(_ kind: Revocation.Kind, _ value: String) async throws -> Bool {
        for try await exists in try await client.query("""
            SELECT EXISTS (SELECT 1 FROM revocation WHERE kind = \(kind.rawValue) AND value = \(value))
            """, logger: logger).decode(Bool.self) {
            return exists
        }
        return false
    }
}
