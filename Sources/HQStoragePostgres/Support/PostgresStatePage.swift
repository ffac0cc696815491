import HQStorage
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
/// index gives in 14 ms, and a 1M audit went from 37.0 s to 30.3 s without it.
///
/// A run may end inside a record's versions: its latest is already kept, and the next run
/// starts after it. A run that yields fewer records than asked (superseded versions took its
/// rows) is followed by another, so a page is short only at the end of the state.
enum PostgresStatePage {
    typealias Query = (_ after: StateKey?, _ rows: Int64, _ keys: Int64) -> PostgresQuery

    static func fetch(after: StateKey?, limit: Int, client: PostgresClient, logger: Logger, query: Query) async throws -> [StateEntry] {
        var entries: [StateEntry] = []
        var after = after
        while entries.count < limit {
            let wanted = limit - entries.count
            // A quarter more versions than records: at the benchmark's fifth of superseded
            // versions, one run fills most pages.
            let rows = Int64(wanted) + Int64(wanted / 4) + 16
            let run = try await fetchRun(query(after, rows, Int64(wanted)), client: client, logger: logger)
            guard let last = run.last else { break }
            entries += run
            after = last.key
        }
        return entries
    }

    /// `data` is taken as the bytes the server sent: PostgreSQL keeps `text` valid UTF-8, and
    /// decoding it as a `String` first validated and copied every record once more.
    static func fetchRun(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> [StateEntry] {
        var entries: [StateEntry] = []
        for try await (category, id, index, data) in try await client.query(query, logger: logger).decode((String, String, Int64, ByteBuffer).self) {
            entries.append(StateEntry(key: StateKey(category: category, id: id), index: try PGValue.size(index), data: Array(data.readableBytesView)))
        }
        return entries
    }
}
