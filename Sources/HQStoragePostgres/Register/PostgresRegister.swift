import Foundation
import HQStorage
import LedgerCore
import Logging
import PostgresNIO

/// The central register in PostgreSQL, partitioned by province like the mirrors.
struct PostgresRegister: RegisterStore {
    let client: PostgresClient
    let logger: Logger

    func importChanges(province code: ProvinceCode, _ records: [ChangeRecord], now: Date) async throws -> Int {
        let province = code.rawValue
        return try await client.transaction(logger: logger) { connection in
            try await connection.run(PostgresQuery(unsafeSQL: PostgresSchema.registerPartition(province: province)), logger: logger)
            try await connection.run("INSERT INTO register_province (province) VALUES (\(province)) ON CONFLICT DO NOTHING", logger: logger)
            var next: Int64 = 0
            for try await value in try await connection.query("SELECT next_seq FROM register_province WHERE province = \(province) FOR UPDATE",
                                                               logger: logger).decode(Int64.self) {
                next = value
            }
            // Stage the batch, then insert in order what was not imported before.
            try await connection.run("CREATE TEMPORARY TABLE register_batch (ord bigint, change_id text, category text, id text, data text) ON COMMIT DROP",
                                     logger: logger)
            var rows = CopyRows(capacity: records.reduce(0) { $0 + $1.canonicalBytes.count + 64 })
            for (order, record) in records.enumerated() {
                rows.field(Int64(order))
                rows.field(record.changeID)
                rows.field(record.category)
                rows.field(record.id)
                rows.field(record.canonicalBytes, last: true)
            }
            let copy = rows.take()
            try await connection.copyFrom(table: "register_batch", columns: ["ord", "change_id", "category", "id", "data"], logger: logger) { writer in
                try await writer.write(copy)
            }
            var added: Int64 = 0
            for try await count in try await connection.query("""
                WITH fresh AS (
                    SELECT DISTINCT ON (b.change_id) b.ord, b.change_id, b.category, b.id, b.data FROM register_batch b
                    WHERE NOT EXISTS (SELECT 1 FROM register_change r WHERE r.province = \(province) AND r.change_id = b.change_id)
                    ORDER BY b.change_id, b.ord
                ), numbered AS (
                    SELECT \(next) + row_number() OVER (ORDER BY ord) - 1 AS seq, change_id, category, id, data FROM fresh
                ), inserted AS (
                    INSERT INTO register_change (province, seq, change_id, category, id, data, imported_at)
                    SELECT \(province), seq, change_id, category, id, data, \(PostgresValue.seconds(now)) FROM numbered RETURNING 1
                )
                SELECT count(*) FROM inserted
                """, logger: logger).decode(Int64.self) {
                added = count
            }
            try await connection.run("UPDATE register_province SET next_seq = next_seq + \(added) WHERE province = \(province)", logger: logger)
            return Int(added)
        }
    }

    func size(province: String) async throws -> UInt64 {
        for try await next in try await client.query("SELECT next_seq FROM register_province WHERE province = \(province)", logger: logger).decode(Int64.self) {
            return try PostgresValue.size(next)
        }
        return 0
    }

    func provinces() async throws -> [String] {
        var provinces: [String] = []
        for try await province in try await client.query("SELECT province FROM register_province WHERE next_seq > 0 ORDER BY province",
                                                         logger: logger).decode(String.self) {
            provinces.append(province)
        }
        return provinces
    }

    func state(province: String, size: UInt64, after: StateKey?, limit: Int) async throws -> [StateEntry] {
        // Per key the change with the largest sequence below `size`, along register_state.
        try await PostgresStatePage.fetch(.register, province: province, size: size, after: after, limit: limit, client: client, logger: logger)
    }

    func registrations(usccs: [String]) async throws -> [String: [RegisteredPlace]] {
        var places: [String: [RegisteredPlace]] = [:]
        guard !usccs.isEmpty else { return places }
        let codes = Array(Set(usccs))
        for try await (uscc, province, id, op, status, since) in try await client.query("""
            SELECT r.data::jsonb #>> '{entity,uscc}', r.province, r.id, r.data::jsonb ->> 'op',
                   CASE WHEN jsonb_typeof(r.data::jsonb #> '{fields,status}') = 'string' THEN r.data::jsonb #>> '{fields,status}' END,
                   CASE WHEN jsonb_typeof(r.data::jsonb -> 'occurred_at') = 'string' THEN r.data::jsonb ->> 'occurred_at' END
            FROM register_change r
            WHERE r.category = 'registration' AND (r.data::jsonb #>> '{entity,uscc}') = ANY(\(codes))
              AND r.seq = (SELECT max(s.seq) FROM register_change s WHERE s.province = r.province AND s.category = 'registration' AND s.id = r.id)
            ORDER BY r.province, r.id
            """, logger: logger).decode((String, String, String, String?, String?, String?).self) {
            places[uscc, default: []].append(RegisteredPlace(province: province, id: id, revoked: op == "revoke", status: status, since: since))
        }
        return places
    }
}

