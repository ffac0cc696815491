import Foundation
import GRDB
import LedgerCore

/// Appends entries inside one write transaction: the entry rows, their tree hashes (tiles) and
/// the state projection. Hashing is O(1) amortized per entry (the frontier); tiles that fill up
/// are written at once, the growing rightmost ones and the batch's state changes when it finishes.
struct LogWriter {
    let db: Database
    let suite: Suite
    private(set) var frontier: MerkleFrontier
    private var openTiles: [TileKey: [Hash]] = [:]
    /// The batch's state changes, last one per key, applied in key order by `finish`.
    private var stateChanges: [StateKey: (index: UInt64, contentHash: Hash, revoked: Bool)] = [:]
    private let insertSkippingDuplicates: RawStatement
    private let insert: RawStatement
    private let upsertState: RawStatement

    struct StateKey: Hashable {
        var category: String
        var id: String
    }

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

    /// Appends `entry` as the next one. With `skipDuplicates`, a `change_id` already in the log
    /// is acknowledged and skipped (returns false); otherwise it is an error.
    mutating func append(_ entry: PreparedEntry, skipDuplicates: Bool) throws -> Bool {
        let record = entry.record
        let index = frontier.size
        let inserted: Int = try record.canonicalBytes.withUnsafeBytes { data in
            try (skipDuplicates ? insertSkippingDuplicates : insert).run(.integer(Int64(index)), .text(record.changeID), .blob(data))
        }
        if skipDuplicates && inserted == 0 { return false }
        stateChanges[StateKey(category: record.category, id: record.id)] = (index, entry.contentHash, record.operation == .revoke)

        // Nodes at tile bottom rows (levels 0, 8, 16, …) that this leaf completes.
        var completed: [(level: Int, index: UInt64, hash: Hash)] = []
        frontier.append(entry.leafHash, hasher: suite.treeHasher) { level, nodeIndex, hash in
            if level % TileLayout.height == 0 { completed.append((level, nodeIndex, hash)) }
        }
        for node in completed {
            let key = TileKey(level: node.level / TileLayout.height, index: node.index / UInt64(TileLayout.width))
            var hashes = try openTiles.removeValue(forKey: key) ?? TileReader.tile(key, in: db) ?? []
            let offset = Int(node.index % UInt64(TileLayout.width))
            guard hashes.count == offset else {
                throw LedgerStoreError.corrupt("stored tile \(key.level)/\(key.index) has \(hashes.count) hashes, expected \(offset)", index: index)
            }
            hashes.append(node.hash)
            if hashes.count == TileLayout.width {
                try writeTile(key, hashes)
            } else {
                openTiles[key] = hashes
            }
        }
        return true
    }

    /// Writes the batch's state changes (in key order, for B-tree locality) and the tiles still
    /// open (the partial rightmost ones).
    mutating func finish() throws {
        let ordered = stateChanges.sorted { lhs, rhs in
            lhs.key.category != rhs.key.category
                ? Self.bytesPrecede(lhs.key.category, rhs.key.category)
                : Self.bytesPrecede(lhs.key.id, rhs.key.id)
        }
        for (key, change) in ordered {
            _ = try change.contentHash.withUnsafeBytes { hash in
                try upsertState.run(.text(key.category), .text(key.id), .blob(hash), .integer(Int64(change.index)), .integer(change.revoked ? 1 : 0))
            }
        }
        stateChanges.removeAll()
        for (key, hashes) in openTiles { try writeTile(key, hashes) }
        openTiles.removeAll()
    }

    /// SQLite's BINARY collation: memcmp of the UTF-8 bytes.
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = Swift.min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order < 0 || (order == 0 && x.count < y.count)
            }
        }
    }

    private func writeTile(_ key: TileKey, _ hashes: [Hash]) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tile (level, idx, hashes) VALUES (?, ?, ?)")
        try statement.execute(arguments: [key.level, Int64(key.index), Data(TileLayout.encode(hashes))])
    }
}
