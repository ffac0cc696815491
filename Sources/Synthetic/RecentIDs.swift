import LedgerCore
import Quality

/// A ring of the most recent ids of one category with their entities, decision days and current
/// records: bounded memory for corrections, revocations and credit repairs of earlier records.
struct RecentIDs: Sendable {
    struct Entry: Sendable {
        var number: Int
        var entity: Int
        var decided: CivilDate
        /// The record as last emitted, so a later version can change one field of it.
        var record: JSONValue
    }

    static let capacity = 1024
    private var entries: [Entry] = []
    private var next = 0

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    mutating func add(_ entry: Entry) {
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[next] = entry
            next = (next + 1) % Self.capacity
        }
    }

    /// A random entry's position; the ring must not be empty.
    func pick(_ random: inout SeededGenerator) -> Int {
        Int(random.next() % UInt64(entries.count))
    }

    subscript(position: Int) -> Entry {
        get { entries[position] }
        set { entries[position] = newValue }
    }

    /// Forgets the entry at `position` (a revoked or repaired record is not touched again).
    mutating func remove(at position: Int) -> Entry {
        next = 0  // the ring has room again: the next entries are appended
        return entries.remove(at: position)
    }
}
