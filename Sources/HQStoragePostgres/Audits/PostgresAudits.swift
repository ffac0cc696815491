import Foundation
import HQStorage
import LedgerCore
import Logging
import PostgresNIO

/// Audits kept in PostgreSQL.
struct PostgresAudits: AuditStore {
    let client: PostgresClient
    let logger: Logger

    func save(_ audit: StoredAudit) async throws {
        try await client.run("""
            INSERT INTO audit (province, month, created_at, mirror_size, mirror_root, register_size, rules_version, rules_sha256, summary)
            VALUES (\(audit.province), \(audit.month), \(PostgresValue.seconds(audit.createdAt)), \(try PostgresValue.bigint(audit.mirrorSize)), \(audit.mirrorRoot),
                    \(try PostgresValue.bigint(audit.registerSize)), \(audit.rulesVersion), \(audit.rulesSHA256), \(audit.summary))
            """, logger: logger)
    }

    func latest(province: String, month: String) async throws -> StoredAudit? {
        try await audits("""
            SELECT province, month, created_at, mirror_size, mirror_root, register_size, rules_version, rules_sha256, summary FROM audit
            WHERE province = \(province) AND month = \(month) ORDER BY id DESC LIMIT 1
            """).first
    }

    func latest(month: String) async throws -> [StoredAudit] {
        try await audits("""
            SELECT DISTINCT ON (province) province, month, created_at, mirror_size, mirror_root, register_size, rules_version, rules_sha256, summary
            FROM audit WHERE month = \(month) ORDER BY province, id DESC
            """)
    }

    private func audits(_ query: PostgresQuery) async throws -> [StoredAudit] {
        var audits: [StoredAudit] = []
        for try await (province, month, created, size, root, register, version, sha, summary) in try await client.query(query, logger: logger)
            .decode((String, String, Int64, Int64, String, Int64, String, String, String).self) {
            audits.append(StoredAudit(province: province, month: month, createdAt: PostgresValue.date(created), mirrorSize: try PostgresValue.size(size),
                                      mirrorRoot: root, registerSize: try PostgresValue.size(register), rulesVersion: version, rulesSHA256: sha, summary: summary))
        }
        return audits
    }
}
