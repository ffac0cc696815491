import HQStorage
import LedgerCore
import Reconcile

/// Reads one side's state (a mirror, or the central register) in key order, a page at a time:
/// memory is a few pages whatever the record count. The next pages are read, parsed and
/// prepared (`prepare`: the per-record checks, for the mirror) in tasks of their own while the
/// caller merges this one, so the reads, the two sides and the merge share both cores.
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
    /// The page being merged, last row first: `next` pops rows off its end, which moves each
    /// out instead of copying it and releasing the page's copy later (the copies' reference
    /// counting was 2% of a 1M audit's CPU).
    private var rest: Page = []
    /// Pages being read and prepared, in key order.
    private var ahead: [Task<Loaded, any Error>] = []
    /// The read of the last page in `ahead`: the next read starts after its last key.
    private var lastFetch: Task<[StateEntry], any Error>?
    /// Pages read and prepared ahead of the one being merged. Two, so one page's preparation
    /// can start while the other's slower half finishes: a page more of memory, and within this
    /// machine's noise of one ahead in a 1M audit.
    static var depth: Int { 2 }

    /// A prepared page; `last` when its read came back short (the end of the state).
    struct Loaded: Sendable {
        var page: Page
        var last: Bool
    }

    init(side: String, pageSize: Int, skipping: Set<String> = [], fetch: @escaping Fetch, prepare: @escaping Prepare) {
        self.side = side
        self.pageSize = max(1, pageSize)
        self.skipping = skipping
        self.fetch = fetch
        self.prepare = prepare
        for _ in 0..<Self.depth { enqueue() }
    }

    /// Starts reading the page after the last one enqueued (as soon as that one's read is
    /// back: reads run ahead of preparing), and preparing it.
    mutating func enqueue() {
        let (fetch, limit, previous) = (fetch, pageSize, lastFetch)
        let fetched = Task {
            var after: StateKey?
            if let previous {
                let before = try await previous.value
                guard before.count == limit, let last = before.last else { return [StateEntry]() }
                after = last.key
            }
            return try await fetch(after, limit)
        }
        lastFetch = fetched
        ahead.append(Self.load(side: side, prepare: prepare, fetched: fetched, limit: limit, skipping: skipping))
    }

    /// Prepares the page `fetched` brings.
    static func load(side: String, prepare: @escaping Prepare, fetched: Task<[StateEntry], any Error>,
                     limit: Int, skipping: Set<String>) -> Task<Loaded, any Error> {
        Task {
            let fetched = try await withTaskCancellationHandler { try await fetched.value } onCancel: { fetched.cancel() }
            let entries = skipping.isEmpty ? fetched : fetched.filter { !skipping.contains($0.key.category) }
            // Two halves at once: parsing and checking a record costs several times what the
            // merge spends on it, so one task per page left a core idle.
            let middle = entries.count / 2
            async let front = prepared(entries[..<middle], side: side, prepare: prepare)
            let back = try prepared(entries[middle...], side: side, prepare: prepare)
            return Loaded(page: try await front + back, last: fetched.count < limit)
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
        while rest.isEmpty {
            guard !ahead.isEmpty else { return nil }
            var loaded = try await ahead.removeFirst().value
            // Taken, not shared, so reversing it moves the rows in place.
            swap(&rest, &loaded.page)
            rest.reverse()
            if loaded.last {
                cancel()
                ahead = []
                lastFetch = nil
            } else {
                enqueue()
            }
        }
        return rest.popLast()
    }

    /// Stops the reads and preparations in flight (an audit that failed midway, or the end).
    func cancel() {
        for task in ahead { task.cancel() }
        lastFetch?.cancel()
    }
}
