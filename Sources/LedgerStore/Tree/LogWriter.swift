import Foundation
import GRDB
import LedgerCore

/// Appends entries inside one write transaction: the entry rows, their tree hashes (tiles, by
/// the shared `TileWriter`) and the state projection. Hashing is O(1) amortized per entry;
/// tiles that fill up are written at once, the growing rightmost ones when the writer finishes.
struct LogWriter {
    let db: Database
    let suite: Suite
    private var tiles: TileWriter
    private let insertSkippingDuplicates: RawStatement
    private let insert: RawStatement
    private let upsertState: RawStatement

    /// Loads the current size and the right edge of the tree from the stored tiles.
    init(db: Database, suite: Suite) throws {
        self.db = db
        self.suite = suite
        let size = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
        do {
            tiles = try TileWriter(db: db, size: size, hasher: suite.treeHasher)
        } catch let error as VerificationFailure {
            throw LedgerStoreError.corrupt(error.message, index: error.index)
        }
        insertSkippingDuplicates = try RawStatement(db, sql: "INSERT INTO entry (idx, change_id, data) VALUES (?, ?, ?) ON CONFLICT (change_id) DO NOTHING")
        insert = try RawStatement(db, sql: "INSERT INTO entry (idx, change_id, data) VALUES (?, ?, ?)")
        upsertState = try RawStatement(db, sql: """
            INSERT INTO state (category, id, content_hash, last_index, revoked) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (category, id) DO UPDATE SET
                content_hash = excluded.content_hash, last_index = excluded.last_index, revoked = excluded.revoked
            """)
    }

    var size: UInt64 { tiles.size }
    var root: Hash { tiles.root }
    var frontier: MerkleFrontier { tiles.frontier }

    /// Appends `entries` in order, then writes their state changes. With `skipDuplicates`, a
    /// `change_id` already in the log is acknowledged and skipped; otherwise it is an error.
    /// Returns how many were added.
    @discardableResult
    mutating func append(_ entries: [PreparedEntry], skipDuplicates: Bool) throws -> Int {
        let before = tiles.size
        var changes = StateChanges(capacity: entries.count)
        for entry in entries {
            let record = entry.record
            let index = tiles.size
            let inserted: Int
            do {
                inserted = try record.canonicalBytes.withUnsafeBytes { data in
                    try (skipDuplicates ? insertSkippingDuplicates : insert).run(.integer(Int64(index)), .text(record.changeID), .blob(data))
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT && !skipDuplicates {
                throw LedgerStoreError(.entryRejected, "entry \(index) (\(record.changeID)) repeats a change_id already in the log",
                                       hint: "a log holds each change_id once; the province ledger is inconsistent")
            }
            if inserted == 0 { continue }
            changes.add(record, index: index, contentHash: entry.contentHash)
            try tiles.append(entry.leafHash)
        }
        try changes.write(with: upsertState)
        return Int(tiles.size - before)
    }

    /// Writes the tiles still open (the partial rightmost ones).
    mutating func finish() throws {
        try tiles.finish()
    }
}
