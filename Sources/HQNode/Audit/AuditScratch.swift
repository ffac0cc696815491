import Foundation
import GRDB

/// The audit's work table on local disk: the projections (`GroupChecker.projection`) of the
/// live records that take part in cross-record checks, written in key order during the merge,
/// read back grouped by entity (`entity.uscc`) for `GroupChecker`. An external sort by SQLite, so
/// memory stays at the largest entity's records whatever the province's size; the file is
/// deleted when the audit ends.
///
/// Projections are copied here rather than records fetched again by index: the group pass reads
/// a local file of a few hundred bytes per record instead of making a million lookups against
/// PostgreSQL.
final class AuditScratch {
    struct Row {
        var index: UInt64
        /// The dimensions the record already failed (bit i: `QualityDimension.allCases[i]`).
        var mask: UInt8
        /// The projection's canonical JSON.
        var data: [UInt8]
        var digest: String?
    }

    let url: URL
    private let queue: DatabaseQueue
    private var pending: [(uscc: String, row: Row)] = []
    static let batch = 2_000

    init(url: URL) throws {
        self.url = url
        try? FileManager.default.removeItem(at: url)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // A throwaway file: nothing to recover after a crash, so no journal and no fsync.
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192")
        }
        queue = try DatabaseQueue(path: url.path, configuration: configuration)
        try queue.inDatabase { db in
            try db.execute(sql: "CREATE TABLE work (uscc TEXT NOT NULL, idx INTEGER NOT NULL, mask INTEGER NOT NULL, data BLOB NOT NULL, digest TEXT)")
        }
    }

    func add(uscc: String, _ row: Row) throws {
        pending.append((uscc, row))
        if pending.count >= Self.batch { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        try queue.inTransaction { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO work (uscc, idx, mask, data, digest) VALUES (?, ?, ?, ?, ?)")
            for (uscc, row) in rows {
                try insert.execute(arguments: [uscc, Int64(bitPattern: row.index), Int64(row.mask), Data(row.data), row.digest])
            }
            return .commit
        }
    }

    /// Calls `body` once per entity with its records in log order.
    func forEachEntity(_ body: (String, [Row]) throws -> Void) throws {
        try flush()
        try queue.inDatabase { db in
            try db.execute(sql: "CREATE INDEX work_by_entity ON work (uscc, idx)")
            let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT uscc, idx, mask, data, digest FROM work ORDER BY uscc, idx")
            var current: String?
            var rows: [Row] = []
            while let next = try cursor.next() {
                let uscc: String = next[0]
                if uscc != current {
                    if let current { try body(current, rows) }
                    current = uscc
                    rows.removeAll(keepingCapacity: true)
                }
                let data: Data = next[3]
                rows.append(Row(index: UInt64(bitPattern: next[1] as Int64), mask: UInt8(truncatingIfNeeded: next[2] as Int64), data: [UInt8](data),
                                digest: next[4]))
            }
            if let current { try body(current, rows) }
        }
    }

    func remove() {
        try? queue.close()
        try? FileManager.default.removeItem(at: url)
    }
}
