import Foundation
import GRDB
import HQStorage

/// The held central risk items, in `hq.sqlite`.
struct SQLiteHeldRisk: HeldRiskStore {
    let pool: DatabasePool

    func hold(_ items: [HeldRiskItem]) async throws {
        guard !items.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO held_risk (change_id, uscc, code, reason, held_at, record) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (change_id) DO UPDATE SET code = excluded.code, reason = excluded.reason
                """)
            for item in items {
                try statement.execute(arguments: [item.changeID, item.uscc, item.code, item.reason, Int64(item.heldAt.timeIntervalSince1970), Data(item.record)])
            }
        }
    }

    func held(after: String?, limit: Int) async throws -> [HeldRiskItem] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM held_risk WHERE change_id > ? ORDER BY change_id LIMIT ?", arguments: [after ?? "", limit]).map { row in
                HeldRiskItem(changeID: row["change_id"], uscc: row["uscc"], code: row["code"], reason: row["reason"],
                             heldAt: Date(timeIntervalSince1970: Double(row["held_at"] as Int64)), record: [UInt8](row["record"] as Data))
            }
        }
    }

    func release(changeIDs: [String]) async throws {
        guard !changeIDs.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM held_risk WHERE change_id = ?")
            for id in changeIDs { try statement.execute(arguments: [id]) }
        }
    }

    func summary() async throws -> HeldRiskSummary {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, min(held_at) AS oldest FROM held_risk")!
            return HeldRiskSummary(count: row["n"], oldest: (row["oldest"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) })
        }
    }
}
