import Foundation
import GRDB
import HQStorage

/// The held central risk items and the placements of routed ones, in `hq.sqlite`.
struct SQLiteHeldRisk: HeldRiskStore {
    let pool: DatabasePool

    func hold(_ items: [HeldRiskItem]) async throws {
        guard !items.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO held_risk (change_id, uscc, code, reason, held_at, record, intake_index) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (change_id) DO UPDATE SET code = excluded.code, reason = excluded.reason,
                    intake_index = coalesce(excluded.intake_index, held_risk.intake_index)
                """)
            let unplace = try db.cachedStatement(sql: "DELETE FROM risk_placement WHERE change_id = ?")
            for item in items {
                try statement.execute(arguments: [item.changeID, item.uscc, item.code, item.reason, Int64(item.heldAt.timeIntervalSince1970), Data(item.record),
                                                  item.intakeIndex.map { Int64($0) }])
                try unplace.execute(arguments: [item.changeID])
            }
        }
    }

    func held(after: String?, limit: Int) async throws -> [HeldRiskItem] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM held_risk WHERE change_id > ? ORDER BY change_id LIMIT ?", arguments: [after ?? "", limit]).map { row in
                HeldRiskItem(changeID: row["change_id"], uscc: row["uscc"], code: row["code"], reason: row["reason"],
                             heldAt: Date(timeIntervalSince1970: Double(row["held_at"] as Int64)), record: [UInt8](row["record"] as Data),
                             intakeIndex: (row["intake_index"] as Int64?).map { UInt64($0) })
            }
        }
    }

    func place(_ placements: [RiskPlacement]) async throws {
        guard !placements.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO risk_placement (change_id, uscc, province, intake_index, placed_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (change_id) DO UPDATE SET uscc = excluded.uscc, province = excluded.province,
                    intake_index = excluded.intake_index, placed_at = excluded.placed_at
                """)
            let release = try db.cachedStatement(sql: "DELETE FROM held_risk WHERE change_id = ?")
            for placement in placements {
                try statement.execute(arguments: [placement.changeID, placement.uscc, placement.province, Int64(placement.intakeIndex),
                                                  Int64(placement.placedAt.timeIntervalSince1970)])
                try release.execute(arguments: [placement.changeID])
            }
        }
    }

    func placements(after: String?, limit: Int) async throws -> [RiskPlacement] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM risk_placement WHERE change_id > ? ORDER BY change_id LIMIT ?", arguments: [after ?? "", limit]).map { row in
                RiskPlacement(changeID: row["change_id"], uscc: row["uscc"], province: row["province"], intakeIndex: UInt64(row["intake_index"] as Int64),
                              placedAt: Date(timeIntervalSince1970: Double(row["placed_at"] as Int64)))
            }
        }
    }

    func known(changeIDs: [String]) async throws -> (held: Set<String>, placed: Set<String>) {
        guard !changeIDs.isEmpty else { return ([], []) }
        return try await pool.read { db in
            let heldStatement = try db.cachedStatement(sql: "SELECT 1 FROM held_risk WHERE change_id = ?")
            let placedStatement = try db.cachedStatement(sql: "SELECT 1 FROM risk_placement WHERE change_id = ?")
            var (held, placed) = (Set<String>(), Set<String>())
            for id in changeIDs {
                if try Bool.fetchOne(heldStatement, arguments: [id]) != nil { held.insert(id) }
                if try Bool.fetchOne(placedStatement, arguments: [id]) != nil { placed.insert(id) }
            }
            return (held, placed)
        }
    }

    func appliedIntake() async throws -> UInt64 {
        try await pool.read { db in UInt64(try Int64.fetchOne(db, sql: "SELECT size FROM intake_applied WHERE id = 1") ?? 0) }
    }

    func setAppliedIntake(_ size: UInt64) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO intake_applied (id, size) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET size = excluded.size",
                           arguments: [Int64(size)])
        }
    }

    func summary() async throws -> HeldRiskSummary {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, min(held_at) AS oldest FROM held_risk")!
            return HeldRiskSummary(count: row["n"], oldest: (row["oldest"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) })
        }
    }
}
