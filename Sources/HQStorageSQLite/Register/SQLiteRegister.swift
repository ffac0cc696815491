import Foundation
import GRDB
import HQStorage
import LedgerCore
import LedgerStore

/// The central register in `register.sqlite`: every province's imported changes in order, each
/// `change_id` once per province; `(province, category, id, seq)` indexes the state at any size.
final class SQLiteRegister: RegisterStore {
    let pool: DatabasePool

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA mmap_size = \(SQLiteHQStorage.mappedBytes)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("register-v1") { db in
            try db.execute(sql: """
                CREATE TABLE register_change (
                    province TEXT NOT NULL CHECK (length(province) = 6),
                    seq INTEGER NOT NULL CHECK (seq >= 0),
                    change_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    id TEXT NOT NULL,
                    data BLOB NOT NULL,
                    imported_at INTEGER NOT NULL,
                    UNIQUE (province, seq),
                    UNIQUE (province, change_id)
                );
                CREATE INDEX register_state ON register_change (province, category, id, seq);
                CREATE TRIGGER register_change_kept_update BEFORE UPDATE ON register_change
                BEGIN SELECT RAISE(ABORT, 'imported changes are kept as imported'); END;
                """)
        }
        // Routing central risk information by entity code (`registrations(usccs:)`): a partial
        // expression index over registration records only.
        migrator.registerMigration("register-v2-registration-by-code") { db in
            try db.execute(sql: """
                CREATE INDEX register_registration_by_code ON register_change (json_extract(CAST(data AS TEXT), '$.entity.uscc'))
                WHERE category = 'registration'
                """)
        }
        return migrator
    }

    func registrations(usccs: [String]) async throws -> [String: [RegisteredPlace]] {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT r.province, r.id, json_extract(CAST(r.data AS TEXT), '$.op') AS op,
                       json_extract(CAST(r.data AS TEXT), '$.fields.status') AS status, json_extract(CAST(r.data AS TEXT), '$.occurred_at') AS since
                FROM register_change r
                WHERE r.category = 'registration' AND json_extract(CAST(r.data AS TEXT), '$.entity.uscc') = ?
                  AND r.seq = (SELECT max(s.seq) FROM register_change s WHERE s.province = r.province AND s.category = 'registration' AND s.id = r.id)
                ORDER BY r.province, r.id
                """)
            var places: [String: [RegisteredPlace]] = [:]
            for uscc in Set(usccs) {
                let rows = try Row.fetchAll(statement, arguments: [uscc])
                if !rows.isEmpty {
                    places[uscc] = rows.map {
                        RegisteredPlace(province: $0["province"], id: $0["id"], revoked: ($0["op"] as String?) == "revoke",
                                        status: Self.text($0["status"]), since: Self.text($0["since"]))
                    }
                }
            }
            return places
        }
    }

    /// A JSON value read with `json_extract` as text: strings as they are, anything else as absent.
    static func text(_ value: DatabaseValue) -> String? {
        if case .string(let text) = value.storage { return text }
        return nil
    }

    func close() throws { try pool.close() }

    func importChanges(province code: ProvinceCode, _ records: [ChangeRecord], now: Date) async throws -> Int {
        let province = code.rawValue
        return try await pool.write { db in
            var next = try SQLiteInteger.size(try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq) + 1, 0) FROM register_change WHERE province = ?",
                                                                 arguments: [province]) ?? 0)
            let insert = try RawStatement(db, sql: """
                INSERT INTO register_change (province, seq, change_id, category, id, data, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (province, change_id) DO NOTHING
                """)
            let at = Int64(now.timeIntervalSince1970)
            var added = 0
            for record in records {
                let inserted = try record.canonicalBytes.withUnsafeBytes { data in
                    try insert.run(.text(province), .integer(try SQLiteInteger.from(next)), .text(record.changeID), .text(record.category),
                                   .text(record.id), .blob(data), .integer(at))
                }
                if inserted == 1 {
                    next += 1
                    added += 1
                }
            }
            return added
        }
    }

    func size(province: String) async throws -> UInt64 {
        try await pool.read { db in
            try SQLiteInteger.size(try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq) + 1, 0) FROM register_change WHERE province = ?",
                                                      arguments: [province]) ?? 0)
        }
    }

    func provinces() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT province FROM register_change ORDER BY province") }
    }

    func state(province: String, size: UInt64, after: StateKey?, limit: Int) async throws -> [StateEntry] {
        let bound = try SQLiteInteger.from(size)
        return try await pool.read { db in
            let keyCondition = after == nil ? "" : "AND (e.category, e.id) > (?, ?)"
            var arguments: StatementArguments = [province, bound]
            if let after { arguments += [after.category, after.id] }
            arguments += [bound, limit]
            // Per key the largest seq below `size`, walking register_state in key order (as the
            // mirror's state: no sort, no materialized page). Named: for the first page, with no
            // key to start after, the planner took the (province, seq) index and sorted the
            // whole province, 4.6 s of one core before the first 5,000 rows of a million.
            return try SQLiteStatePage.fetch(db, sql: """
                SELECT e.category, e.id, e.seq, e.data FROM register_change e INDEXED BY register_state
                WHERE e.province = ? AND e.seq < ? \(keyCondition)
                  AND e.seq = (SELECT max(f.seq) FROM register_change f
                               WHERE f.province = e.province AND f.category = e.category AND f.id = e.id AND f.seq < ?)
                ORDER BY e.category, e.id LIMIT ?
                """, arguments: arguments, limit: limit)
        }
    }
}
