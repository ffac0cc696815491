import Foundation
import HQStorage
import Logging
import NIOCore
import PostgresNIO

/// The held central risk items, in PostgreSQL. Holding and releasing are one transaction each;
/// the batches are an import's lookup batch (a thousand items), one statement per item.
struct PostgresHeldRisk: HeldRiskStore {
    let client: PostgresClient
    let logger: Logger

    func hold(_ items: [HeldRiskItem]) async throws {
        guard !items.isEmpty else { return }
        try await client.transaction(logger: logger) { connection in
            for item in items {
                try await connection.run("""
                    INSERT INTO held_risk (change_id, uscc, code, reason, held_at, record)
                    VALUES (\(item.changeID), \(item.uscc), \(item.code), \(item.reason), \(PostgresValue.seconds(item.heldAt)), \(ByteBuffer(bytes: item.record)))
                    ON CONFLICT (change_id) DO UPDATE SET code = excluded.code, reason = excluded.reason
                    """, logger: logger)
            }
        }
    }

    func held(after: String?, limit: Int) async throws -> [HeldRiskItem] {
        var items: [HeldRiskItem] = []
        for try await (id, uscc, code, reason, at, record) in try await client.query("""
            SELECT change_id, uscc, code, reason, held_at, record FROM held_risk WHERE change_id > \(after ?? "") ORDER BY change_id LIMIT \(limit)
            """, logger: logger).decode((String, String, String, String, Int64, ByteBuffer).self) {
            items.append(HeldRiskItem(changeID: id, uscc: uscc, code: code, reason: reason, heldAt: PostgresValue.date(at), record: Array(record.readableBytesView)))
        }
        return items
    }

    func release(changeIDs: [String]) async throws {
        guard !changeIDs.isEmpty else { return }
        try await client.run("DELETE FROM held_risk WHERE change_id = ANY(\(changeIDs))", logger: logger)
    }

    func summary() async throws -> HeldRiskSummary {
        for try await (count, oldest) in try await client.query("SELECT count(*), min(held_at) FROM held_risk", logger: logger).decode((Int64, Int64?).self) {
            return HeldRiskSummary(count: Int(count), oldest: oldest.map(PostgresValue.date))
        }
        return HeldRiskSummary(count: 0, oldest: nil)
    }
}
