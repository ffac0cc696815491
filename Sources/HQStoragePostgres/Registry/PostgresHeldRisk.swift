import Foundation
import HQStorage
import Logging
import NIOCore
import PostgresNIO

/// The held central risk items and the placements of routed ones, in PostgreSQL. Holding and
/// placing are one transaction each; the batches are an import's lookup batch (a thousand
/// items), one statement per item.
struct PostgresHeldRisk: HeldRiskStore {
    let client: PostgresClient
    let logger: Logger

    func hold(_ items: [HeldRiskItem]) async throws {
        guard !items.isEmpty else { return }
        try await client.transaction(logger: logger) { connection in
            for item in items {
                let intake = try item.intakeIndex.map { try PostgresValue.bigint($0) }
                try await connection.run("""
                    INSERT INTO held_risk (change_id, uscc, code, reason, held_at, record, intake_index)
                    VALUES (\(item.changeID), \(item.uscc), \(item.code), \(item.reason), \(PostgresValue.seconds(item.heldAt)), \(ByteBuffer(bytes: item.record)), \(intake))
                    ON CONFLICT (change_id) DO UPDATE SET code = excluded.code, reason = excluded.reason,
                        intake_index = coalesce(excluded.intake_index, held_risk.intake_index)
                    """, logger: logger)
            }
            try await connection.run("DELETE FROM risk_placement WHERE change_id = ANY(\(items.map(\.changeID)))", logger: logger)
        }
    }

    func held(after: String?, limit: Int) async throws -> [HeldRiskItem] {
        var items: [HeldRiskItem] = []
        for try await (id, uscc, code, reason, at, record, intake) in try await client.query("""
            SELECT change_id, uscc, code, reason, held_at, record, intake_index FROM held_risk WHERE change_id > \(after ?? "") ORDER BY change_id LIMIT \(limit)
            """, logger: logger).decode((String, String, String, String, Int64, ByteBuffer, Int64?).self) {
            items.append(HeldRiskItem(changeID: id, uscc: uscc, code: code, reason: reason, heldAt: PostgresValue.date(at), record: Array(record.readableBytesView),
                                      intakeIndex: try intake.map { try PostgresValue.size($0) }))
        }
        return items
    }

    func place(_ placements: [RiskPlacement]) async throws {
        guard !placements.isEmpty else { return }
        // One statement per batch (arrays unnested), not one per item: a statement per item was
        // most of a 100,000-item import on PostgreSQL. The last placement of a change id wins.
        var latest: [String: RiskPlacement] = [:]
        for placement in placements { latest[placement.changeID] = placement }
        let rows = latest.values.sorted { $0.changeID < $1.changeID }
        let ids = rows.map(\.changeID)
        let usccs = rows.map(\.uscc)
        let provinces = rows.map(\.province)
        let indexes = try rows.map { try PostgresValue.bigint($0.intakeIndex) }
        let times = rows.map { PostgresValue.seconds($0.placedAt) }
        try await client.transaction(logger: logger) { connection in
            try await connection.run("""
                INSERT INTO risk_placement (change_id, uscc, province, intake_index, placed_at)
                SELECT * FROM unnest(\(ids)::text[], \(usccs)::text[], \(provinces)::text[], \(indexes)::bigint[], \(times)::bigint[])
                ON CONFLICT (change_id) DO UPDATE SET uscc = excluded.uscc, province = excluded.province,
                    intake_index = excluded.intake_index, placed_at = excluded.placed_at
                """, logger: logger)
            try await connection.run("DELETE FROM held_risk WHERE change_id = ANY(\(ids))", logger: logger)
        }
    }

    func placements(after: String?, limit: Int) async throws -> [RiskPlacement] {
        var placements: [RiskPlacement] = []
        for try await (id, uscc, province, intake, at) in try await client.query("""
            SELECT change_id, uscc, province, intake_index, placed_at FROM risk_placement WHERE change_id > \(after ?? "") ORDER BY change_id LIMIT \(limit)
            """, logger: logger).decode((String, String, String, Int64, Int64).self) {
            placements.append(RiskPlacement(changeID: id, uscc: uscc, province: province, intakeIndex: try PostgresValue.size(intake), placedAt: PostgresValue.date(at)))
        }
        return placements
    }

    func known(changeIDs: [String]) async throws -> (held: Set<String>, placed: Set<String>) {
        guard !changeIDs.isEmpty else { return ([], []) }
        var (held, placed) = (Set<String>(), Set<String>())
        for try await (id, isHeld) in try await client.query("""
            SELECT change_id, true FROM held_risk WHERE change_id = ANY(\(changeIDs))
            UNION ALL SELECT change_id, false FROM risk_placement WHERE change_id = ANY(\(changeIDs))
            """, logger: logger).decode((String, Bool).self) {
            if isHeld { held.insert(id) } else { placed.insert(id) }
        }
        return (held, placed)
    }

    func appliedIntake() async throws -> UInt64 {
        for try await size in try await client.query("SELECT size FROM intake_applied WHERE id = 1", logger: logger).decode(Int64.self) {
            return try PostgresValue.size(size)
        }
        return 0
    }

    func setAppliedIntake(_ size: UInt64) async throws {
        try await client.run("""
            INSERT INTO intake_applied (id, size) VALUES (1, \(try PostgresValue.bigint(size))) ON CONFLICT (id) DO UPDATE SET size = excluded.size
            """, logger: logger)
    }

    func summary() async throws -> HeldRiskSummary {
        for try await (count, oldest) in try await client.query("SELECT count(*), min(held_at) FROM held_risk", logger: logger).decode((Int64, Int64?).self) {
            return HeldRiskSummary(count: Int(count), oldest: oldest.map(PostgresValue.date))
        }
        return HeldRiskSummary(count: 0, oldest: nil)
    }
}
