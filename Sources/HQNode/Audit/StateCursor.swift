import HQStorage
import LedgerCore
import Reconcile

/// Reads one side's state (a mirror, or the central register) in key order, a page at a time:
/// memory is two pages whatever the record count. The next page is fetched, parsed and prepared
/// (`prepare`: the per-record checks, for the mirror) in a task of its own while the caller
/// merges this one, so the two sides and the merge share both cores.
struct StateCursor<Extra: Sendable> {
    typealias Fetch = @Sendable (_ after: StateKey?, _ limit: Int) async throws -> [StateEntry]
    typealias Prepare = @Sendable (StateRow, [UInt8]) throws -> Extra
    typealias Page = [(row: StateRow, extra: Extra)]

    let side: String
    let fetch: Fetch
    let prepare: Prepare
    let pageSize: Int
    /// Categories left out (the rules' bookkeeping categories).
    let skipping: Set<String>
    private var page: Page = []
    private var position = 0
    private var following: Task<(page: Page, last: StateKey?, complete: Bool), any Error>?

    init(side: String, pageSize: Int, skipping: Set<String> = [], fetch: @escaping Fetch, prepare: @escaping Prepare) {
        self.side = side
        self.pageSize = max(1, pageSize)
        self.skipping = skipping
        self.fetch = fetch
        self.prepare = prepare
        following = Self.load(side: side, fetch: fetch, prepare: prepare, after: nil, limit: self.pageSize, skipping: skipping)
    }

    /// Fetches, parses and prepares the page after `after`.
    static func load(side: String, fetch: @escaping Fetch, prepare: @escaping Prepare, after: StateKey?,
                     limit: Int, skipping: Set<String>) -> Task<(page: Page, last: StateKey?, complete: Bool), any Error> {
        Task {
            let fetched = try await fetch(after, limit)
            let entries = skipping.isEmpty ? fetched : fetched.filter { !skipping.contains($0.key.category) }
            // Two halves at once: parsing and checking a record costs several times what the
            // merge spends on it, so one task per page left a core idle.
            let middle = entries.count / 2
            async let front = prepared(entries[..<middle], side: side, prepare: prepare)
            let back = try prepared(entries[middle...], side: side, prepare: prepare)
            return (try await front + back, fetched.last?.key, fetched.count < limit)
        }
    }

    static func prepared(_ entries: ArraySlice<StateEntry>, side: String, prepare: Prepare) throws -> Page {
        var page: Page = []
        page.reserveCapacity(entries.count)
        for entry in entries {
            guard let row = StateRow(canonical: entry.data, index: entry.index) else {
                throw AuditError(.corrupt, "the \(side) entry at \(entry.index) (\(entry.key.category) \(entry.key.id)) is not a change record",
                                 hint: "run `creditsync hq status` and verify the mirror; restore it from backup or re-sync it")
            }
            page.append((row, try prepare(row, entry.data)))
        }
        return page
    }

    /// The next row and what `prepare` made of it, or nil at the end.
    mutating func next() async throws -> (row: StateRow, extra: Extra)? {
        while position == page.count {
            guard let following else { return nil }
            let loaded = try await following.value
            page = loaded.page
            position = 0
            self.following = loaded.complete ? nil : Self.load(side: side, fetch: fetch, prepare: prepare, after: loaded.last, limit: pageSize, skipping: skipping)
        }
        let row = page[position]
        position += 1
        return row
    }

    /// Stops a prefetch in flight (an audit that failed midway).
    func cancel() { following?.cancel() }
}
