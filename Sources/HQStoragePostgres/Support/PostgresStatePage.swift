import HQStorage
import LedgerCore
import Logging
import PostgresNIO

/// One page of a state query (`category, id, index, data` in key order), for the mirrors and
/// the central register alike: the latest version of up to `limit` records after a key.
///
/// Each query reads a bounded run of versions along the state index (`rows`) and keeps the
/// first, the latest, of each record in it (`keys` at most), so the walk of the index is the
/// only plan worth having. Put as one `DISTINCT ON … LIMIT`, the planner guessed a tenth as
/// many records as versions, found the limit out of reach and, for some pages, scanned and
/// sorted the rest of the province on disk instead: at 200,000 records 195 ms for a page the
/// index gives in 14 ms; a 1M audit took 37.0 s that way and 30.3 s with runs.
///
/// A run may end inside a record's versions: its latest is already kept, and the next run
/// starts after it. A run that yields fewer records than asked (superseded versions took its
/// rows) is followed by another, so a page is short only at the end of the state.
enum PostgresStatePage {
    /// Where a state lives: the table and the column that orders a record's versions (the
    /// state index is `(province, category, id, <order> DESC)` on both).
    enum Table: String {
        case mirror = "mirror_entry"
        case register = "register_change"

        var order: String {
            switch self {
            case .mirror: "idx"
            case .register: "seq"
            }
        }
    }

    /// The latest version below `size` of up to `limit` records of `province` after `after`.
    static func fetch(_ table: Table, province: String, size: UInt64, after: StateKey?, limit: Int,
                      client: PostgresClient, logger: Logger) async throws -> [StateEntry] {
        let bound = try PostgresValue.bigint(size)
        var entries: [StateEntry] = []
        var after = after
        while entries.count < limit {
            let wanted = limit - entries.count
            // A quarter more versions than records: at the benchmark's fifth of superseded
            // versions, one run fills most pages.
            let rows = Int64(wanted) + Int64(wanted / 4) + 16
            let query = Self.query(table, province: province, bound: bound, after: after, rows: rows, keys: Int64(wanted))
            let run = try await fetchRun(query, client: client, logger: logger)
            guard let last = run.last else { break }
            entries += run
            after = last.key
        }
        return entries
    }

    /// One run: at most `rows` versions along the state index, the first (latest) of each
    /// record, at most `keys` records.
    static func query(_ table: Table, province: String, bound: Int64, after: StateKey?, rows: Int64, keys: Int64) -> PostgresQuery {
        let (name, order) = (table.rawValue, table.order)
        if let after {
            return """
                SELECT DISTINCT ON (category, id) category, id, \(unescaped: order), data FROM (
                    SELECT category, id, \(unescaped: order), data FROM \(unescaped: name)
                    WHERE province = \(province) AND \(unescaped: order) < \(bound) AND (category, id) > (\(after.category), \(after.id))
                    ORDER BY category, id, \(unescaped: order) DESC LIMIT \(rows)
                ) AS version ORDER BY category, id, \(unescaped: order) DESC LIMIT \(keys)
                """
        }
        return """
            SELECT DISTINCT ON (category, id) category, id, \(unescaped: order), data FROM (
                SELECT category, id, \(unescaped: order), data FROM \(unescaped: name)
                WHERE province = \(province) AND \(unescaped: order) < \(bound)
                ORDER BY category, id, \(unescaped: order) DESC LIMIT \(rows)
            ) AS version ORDER BY category, id, \(unescaped: order) DESC LIMIT \(keys)
            """
    }

    /// One run, in a transaction that turns sorting off for it: the index already gives the
    /// order, and a plan that sorts instead is never right here. Bounded runs alone were not
    /// enough before the province's partition had statistics (right after a large import or
    /// first sync, until autovacuum analyzes it, and on a standby whose primary has not): the
    /// planner then guessed a few hundred rows and sorted the whole remainder for every page,
    /// which made a 200,000-record audit 18.4 s instead of 6.6. `enable_sort = off` only
    /// prices sorting out, so the plan stays the index walk whatever the statistics say.
    ///
    /// `data` is taken as the bytes the server sent: PostgreSQL keeps `text` valid UTF-8, and
    /// decoding it as a `String` first validated and copied every record once more.
    static func fetchRun(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> [StateEntry] {
        try await unsorted(client: client, logger: logger) { connection in
            var entries: [StateEntry] = []
            for try await (category, id, index, data) in try await connection.query(query, logger: logger).decode((String, String, Int64, ByteBuffer).self) {
                entries.append(StateEntry(key: StateKey(category: category, id: id), index: try PostgresValue.size(index), data: Array(data.readableBytesView)))
            }
            return entries
        }
    }

    /// The plan a run gets, as `EXPLAIN` prints it (for tests).
    static func plan(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> String {
        try await unsorted(client: client, logger: logger) { connection in
            var lines: [String] = []
            for try await line in try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds), logger: logger).decode(String.self) {
                lines.append(line)
            }
            return lines.joined(separator: "\n")
        }
    }

    /// `body` in a transaction with sorting priced out.
    static func unsorted<Result: Sendable>(client: PostgresClient, logger: Logger,
                                           _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SELECT set_config('enable_sort', 'off', true)", logger: logger).collect()
            return try await body(connection)
        }
    }
}
