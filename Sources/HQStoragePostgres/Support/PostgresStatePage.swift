import HQStorage
import Logging
import PostgresNIO

/// One page of a state query (`category, id, index, data` in key order), for the mirrors and
/// the central register alike. `data` is taken as the bytes the server sent: PostgreSQL keeps
/// `text` valid UTF-8, and decoding it as a `String` first validated and copied every record
/// once more.
enum PostgresStatePage {
    static func fetch(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> [StateEntry] {
        var entries: [StateEntry] = []
        for try await (category, id, index, data) in try await client.query(query, logger: logger).decode((String, String, Int64, ByteBuffer).self) {
            entries.append(StateEntry(key: StateKey(category: category, id: id), index: try PGValue.size(index), data: Array(data.readableBytesView)))
        }
        return entries
    }
}
