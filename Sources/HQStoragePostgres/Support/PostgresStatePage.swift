import HQStorage
import Logging
import PostgresNIO

/// One page of a state query (`category, id, index, data` in key order), for the mirrors and
/// the central register alike.
enum PostgresStatePage {
    static func fetch(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> [StateEntry] {
        var entries: [StateEntry] = []
        for try await (category, id, index, data) in try await client.query(query, logger: logger).decode((String, String, Int64, String).self) {
            entries.append(StateEntry(key: StateKey(category: category, id: id), index: try PGValue.size(index), data: Array(data.utf8)))
        }
        return entries
    }
}
