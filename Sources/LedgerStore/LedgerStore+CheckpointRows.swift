public import Foundation
public import GRDB
public import LedgerCore

/// Checkpoints with the time they were stored, for HQ's feeds (an HQ feed is a ledger file of
/// role `feed`): deliveries step through the stored checkpoints, and an entry's append time, the
/// start of its push-down lag, is the time of the first checkpoint that covers it.
extension LedgerStore {
    public typealias CheckpointRow = StoredCheckpoint

    public func latestCheckpointRow() async throws -> CheckpointRow? {
        try await pool.read { db in try Self.checkpointRow(db, "SELECT size, root, note, stored_at FROM checkpoint ORDER BY size DESC LIMIT 1") }
    }

    public func checkpointRow(size: UInt64) async throws -> CheckpointRow? {
        let key = try SQLiteInteger.from(size)
        return try await pool.read { db in try Self.checkpointRow(db, "SELECT size, root, note, stored_at FROM checkpoint WHERE size = ?", [key]) }
    }

    /// The largest checkpoint in (cursor, cursor + maxEntries], else the smallest past cursor.
    public func checkpointRow(after cursor: UInt64, maxEntries: UInt64) async throws -> CheckpointRow? {
        let low = try SQLiteInteger.from(cursor)
        let (sum, overflow) = cursor.addingReportingOverflow(maxEntries)
        let high = try SQLiteInteger.from(overflow ? UInt64(Int64.max) : min(sum, UInt64(Int64.max)))
        return try await pool.read { db in
            try Self.checkpointRow(db, "SELECT size, root, note, stored_at FROM checkpoint WHERE size > ? AND size <= ? ORDER BY size DESC LIMIT 1", [low, high])
                ?? Self.checkpointRow(db, "SELECT size, root, note, stored_at FROM checkpoint WHERE size > ? ORDER BY size LIMIT 1", [low])
        }
    }

    /// The stored time of the first checkpoint that covers entry `index`.
    public func firstCheckpointTime(covering index: UInt64) async throws -> Date? {
        let key = try SQLiteInteger.from(index)
        return try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT stored_at FROM checkpoint WHERE size > ? ORDER BY size LIMIT 1", arguments: [key])
                .map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    static func checkpointRow(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> CheckpointRow? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map(StoredCheckpoint.init(row:))
    }
}

extension StoredCheckpoint {
    /// A `checkpoint` row of any SQLite log file (`size, root, note, stored_at`).
    public init(row: Row) throws {
        self.init(size: try SQLiteInteger.size(row["size"]), root: Hash(row["root"] as Data), note: row["note"],
                  storedAt: Date(timeIntervalSince1970: TimeInterval(row["stored_at"] as Int64)))
    }
}
