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

    static func audit(_ row: Row) throws -> StoredAudit {
        StoredAudit(province: row["province"], month: row["month"], createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64)),
                    mirrorSize: try SQLiteInteger.size(row["mirror_size"]), mirrorRoot: row["mirror_root"],
                    registerSize: try SQLiteInteger.size(row["register_size"]), rulesVersion: row["rules_version"],
                    rulesSHA256: row["rules_sha256"], summary: row["summary"])
    }
}
