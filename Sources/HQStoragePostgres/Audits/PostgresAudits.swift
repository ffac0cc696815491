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

    func recordInspection(_ inspection: StoredInspection) async throws -> Bool {
        // One statement decides: the row is inserted, or the id's kept result is returned to
        // compare; a concurrent recorder of the same id waits on the primary key and then finds
        // the row in a second read.
        let query: PostgresQuery = """
            WITH inserted AS (
                INSERT INTO inspection (inspection_id, province, origin, tree_size, root, bundle_sha256, compared_on, recorded_at, rules_version,
                                        rules_sha256, result, finding_count, findings)
                VALUES (\(inspection.inspectionID), \(inspection.province), \(inspection.origin), \(try PostgresValue.bigint(inspection.treeSize)),
                        \(inspection.root), \(inspection.bundleSHA256), \(inspection.comparedOn), \(PostgresValue.seconds(inspection.recordedAt)),
                        \(inspection.rulesVersion), \(inspection.rulesSHA256), \(inspection.result), \(inspection.findingCount), \(inspection.findings))
                ON CONFLICT (inspection_id) DO NOTHING
                RETURNING true
            )
            SELECT true, NULL::text FROM inserted
            UNION ALL
            SELECT false, result FROM inspection WHERE inspection_id = \(inspection.inspectionID) AND NOT EXISTS (SELECT 1 FROM inserted)
            """
        for try await (stored, kept) in try await client.query(query, logger: logger).decode((Bool, String?).self) {
            if stored { return true }
            guard kept == inspection.result else { throw InspectionConflict.error(inspection.inspectionID) }
            return false
        }
        // No row: another recorder's insert of the same id committed after this statement's
        // snapshot was taken (the insert waited on it, then did nothing). Read it now.
        for try await kept in try await client.query("SELECT result FROM inspection WHERE inspection_id = \(inspection.inspectionID)", logger: logger)
            .decode(String.self) {
            guard kept == inspection.result else { throw InspectionConflict.error(inspection.inspectionID) }
            return false
        }
        throw HQStorageError(.unavailable, "recording inspection \(inspection.inspectionID) returned no row", hint: "try again")
    }

    func inspections(province: String?) async throws -> [StoredInspection] {
        var kept: [StoredInspection] = []
        let rows = try await client.query("""
            SELECT inspection_id, province, origin, tree_size, root, bundle_sha256, compared_on, recorded_at, rules_version, rules_sha256, result,
                   finding_count, findings
            FROM inspection WHERE \(province)::text IS NULL OR province = \(province) ORDER BY recorded_at, inspection_id
            """, logger: logger)
        for try await row in rows {
            let (id, code, origin, size, root, sha, on, at, version, rulesSHA, result, count, findings) =
                try row.decode((String, String, String, Int64, String, String, String, Int64, String, String, String, Int32, String).self)
            kept.append(StoredInspection(inspectionID: id, province: code, origin: origin, treeSize: try PostgresValue.size(size), root: root,
                                         bundleSHA256: sha, comparedOn: on, recordedAt: PostgresValue.date(at), rulesVersion: version,
                                         rulesSHA256: rulesSHA, result: result, findingCount: Int(count), findings: findings))
        }
        return kept
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
