import HQStorage
import LedgerCore
import Reconcile

/// Reads one side's state (a mirror, or the central register) in key order, a page at a time:
/// memory is one page whatever the record count. The next page is fetched while the caller
/// works on this one.
struct StateCursor {
    typealias Fetch = @Sendable (_ after: StateKey?, _ limit: Int) async throws -> [StateEntry]

    let side: String
    let fetch: Fetch
    let pageSize: Int
    private var page: [StateEntry] = []
    private var position = 0
    private var following: Task<[StateEntry], any Error>?
    private var exhausted = false

    init(side: String, pageSize: Int, fetch: @escaping Fetch) {
        self.side = side
        self.pageSize = max(1, pageSize)
        self.fetch = fetch
    }

    /// The next row and its stored bytes, or nil at the end.
    mutating func next() async throws -> (row: StateRow, data: [UInt8])? {
        if position == page.count {
            guard !exhausted else { return nil }
            if let following {
                page = try await following.value
            } else {
                page = try await fetch(nil, pageSize)
            }
            position = 0
            if page.count < pageSize {
                exhausted = true
                following = nil
            } else {
                let (fetch, after, limit) = (fetch, page.last.map(\.key), pageSize)
                following = Task { try await fetch(after, limit) }
            }
            if page.isEmpty { return nil }
        }
        let entry = page[position]
        position += 1
        guard let value = try? JSONParser.parse(entry.data), let row = StateRow(value: value, index: entry.index) else {
            throw AuditError(.corrupt, "the \(side) entry at \(entry.index) (\(entry.key.category) \(entry.key.id)) is not a change record",
                             hint: "run `creditsync hq status` and verify the mirror; restore it from backup or re-sync it")
        }
        return (row, entry.data)
    }

    /// Stops a prefetch in flight (an audit that failed midway).
    func cancel() { following?.cancel() }
}
