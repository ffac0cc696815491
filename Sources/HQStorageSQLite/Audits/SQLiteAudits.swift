import Foundation
import GRDB
import HQStorage
import LedgerStore

/// Audits kept in `hq.sqlite`.
struct SQLiteAudits: AuditStore {
    let pool: DatabasePool

    func save(_ audit: StoredAudit) async throws {
        let (size, register) = (try SQLiteInteger.from(audit.mirrorSize), try SQLiteInteger.from(audit.registerSize))
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO audit (province, month, created_at, mirror_size, mirror_root, register_size, rules_version, rules_sha256, summary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [audit.province, audit.month, Int64(audit.createdAt.timeIntervalSince1970), size, audit.mirrorRoot, register,
                                 audit.rulesVersion, audit.rulesSHA256, audit.summary])
        }
    }

    func latest(province: String, month: String) async throws -> StoredAudit? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit WHERE province = ? AND month = ? ORDER BY id DESC LIMIT 1",
                             arguments: [province, month]).map(Self.audit)
        }
    }

    func latest(month: String) async throws -> [StoredAudit] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM audit WHERE id IN (SELECT max(id) FROM audit WHERE month = ? GROUP BY province) ORDER BY province
                """, arguments: [month]).map(Self.audit)
        }
    }

    func recordInspection(_ inspection: StoredInspection) async throws -> Bool {
        let size = try SQLiteInteger.from(inspection.treeSize)
        return try await pool.write { db in
            if let kept = try String.fetchOne(db, sql: "SELECT result FROM inspection WHERE inspection_id = ?", arguments: [inspection.inspectionID]) {
                guard kept == inspection.result else { throw InspectionConflict.error(inspection.inspectionID) }
                return false
            }
            try db.execute(sql: """
                INSERT INTO inspection (inspection_id, province, origin, tree_size, root, bundle_sha256, compared_on, recorded_at, rules_version,
                                        rules_sha256, result, finding_count, findings)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [inspection.inspectionID, inspection.province, inspection.origin, size, inspection.root, inspection.bundleSHA256,
                                 inspection.comparedOn, Int64(inspection.recordedAt.timeIntervalSince1970), inspection.rulesVersion,
                                 inspection.rulesSHA256, inspection.result, inspection.findingCount, inspection.findings])
            return true
        }
    }

    func inspections(province: String?) async throws -> [StoredInspection] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM inspection WHERE ?1 IS NULL OR province = ?1 ORDER BY recorded_at, inspection_id",
                             arguments: [province]).map { row in
                StoredInspection(inspectionID: row["inspection_id"], province: row["province"], origin: row["origin"],
                                 treeSize: try SQLiteInteger.size(row["tree_size"]), root: row["root"], bundleSHA256: row["bundle_sha256"],
                                 comparedOn: row["compared_on"], recordedAt: Date(timeIntervalSince1970: Double(row["recorded_at"] as Int64)),
                                 rulesVersion: row["rules_version"], rulesSHA256: row["rules_sha256"], result: row["result"],
                                 findingCount: row["finding_count"], findings: row["findings"])
            }
        }
    }

    static func audit(_ row: Row) throws -> StoredAudit {
        StoredAudit(province: row["province"], month: row["month"], createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64)),
                    mirrorSize: try SQLiteInteger.size(row["mirror_size"]), mirrorRoot: row["mirror_root"],
                    registerSize: try SQLiteInteger.size(row["register_size"]), rulesVersion: row["rules_version"],
                    rulesSHA256: row["rules_sha256"], summary: row["summary"])
    }
}
