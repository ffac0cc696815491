import Foundation
import GRDB
import LedgerCore

/// Appends entries inside one write transaction: the entry rows, their tree hashes (tiles) and
/// the state projection. Hashing is O(1) amortized per entry (the frontier); tiles that fill up
/// are written at once, the growing rightmost ones when the writer finishes.
struct LogWriter {
    let db: Database
    let suite: Suite
    private(set) var frontier: MerkleFrontier
    private var openTiles: [TileKey: [Hash]] = [:]
    private let insertSkippingDuplicates: RawStatement
    private let insert: RawStatement
    private let upsertState: RawStatement

    /// Loads the current size and right edge of the tree from the stored tiles.
    init(db: Database, suite: Suite) throws {
        self.db = db
        self.suite = suite
        let size = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM entry") ?? 0)
        let reader = TileReader(db: db, hasher: suite.treeHasher)
        var hashes: [Hash] = []
        var covered: UInt64 = 0
        for level in (0..<64).reversed() where size & (1 << UInt64(level)) != 0 {
            hashes.append(try reader.node(level: level, index: covered >> UInt64(level)))
            covered += 1 << UInt64(level)
        }
        self.frontier = try MerkleFrontier(size: size, hashes: hashes)
        insertSkippingDuplicates = try RawStatement(db, sql: "INSERT INTO entry (idx, change_id, data) VALUES (?, ?, ?) ON CONFLICT (change_id) DO NOTHING")
        insert = try RawStatement(db, sql: "INSERT INTO entry (idx, change_id, data) VALUES (?, ?, ?)")
        upsertState = try RawStatement(db, sql: """
            INSERT INTO state (category, id, content_hash, last_index, revoked) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (category, id) DO UPDATE SET
                content_hash = excluded.content_hash, last_index = excluded.last_index, revoked = excluded.revoked
            """)
    }

    var size: UInt64 { frontier.size }
    var root: Hash { frontier.root(hasher: suite.treeHasher) }

    /// Appends `entries` in order, then writes their state changes. With `skipDuplicates`, a
    /// `change_id` already in the log is acknowledged and skipped; otherwise it is an error.
    /// Returns how many were added.
    @discardableResult
    mutating func append(_ entries: [PreparedEntry], skipDuplicates: Bool) throws -> Int {
        let before = frontier.size
        var changes = StateChanges(capacity: entries.count)
        // Nodes at tile bottom rows (levels 0, 8, 16, …) that a leaf completes; reused per leaf.
        var completed: [(level: Int, index: UInt64, hash: Hash)] = []
        completed.reserveCapacity(8)
        for entry in entries {
            let record = entry.record
            let index = frontier.size
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

            completed.removeAll(keepingCapacity: true)
            frontier.append(entry.leafHash, hasher: suite.treeHasher) { level, nodeIndex, hash in
                if level % TileLayout.height == 0 { completed.append((level, nodeIndex, hash)) }
            }
            for node in completed {
                try addToTile(level: node.level, index: node.index, hash: node.hash, entry: index)
            }
        }
        try changes.write(with: upsertState)
        return Int(frontier.size - before)
    }

    /// Writes the tiles still open (the partial rightmost ones).
    mutating func finish() throws {
        for (key, hashes) in openTiles { try writeTile(key, hashes) }
        openTiles.removeAll()
    }

    private mutating func addToTile(level: Int, index nodeIndex: UInt64, hash: Hash, entry: UInt64) throws {
        let key = TileKey(level: level / TileLayout.height, index: nodeIndex / UInt64(TileLayout.width))
        let offset = Int(nodeIndex % UInt64(TileLayout.width))
        if var hashes = openTiles[key] {
            // Appending in place: drop the dictionary's reference first so the array is unique.
            openTiles[key] = nil
            hashes.append(hash)
            try place(key, hashes)
            return
        }
        var hashes = try TileReader.tile(key, in: db) ?? []
        guard hashes.count == offset else {
            throw LedgerStoreError.corrupt("stored tile \(key.level)/\(key.index) has \(hashes.count) hashes, expected \(offset)", index: entry)
        }
        hashes.reserveCapacity(TileLayout.width)
        hashes.append(hash)
        try place(key, hashes)
    }

    private mutating func place(_ key: TileKey, _ hashes: [Hash]) throws {
        if hashes.count == TileLayout.width {
            try writeTile(key, hashes)
        } else {
            openTiles[key] = hashes
        }
    }

    private func writeTile(_ key: TileKey, _ hashes: [Hash]) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tile (level, idx, hashes) VALUES (?, ?, ?)")
        try statement.execute(arguments: [key.level, Int64(key.index), Data(TileLayout.encode(hashes))])
    }
}
