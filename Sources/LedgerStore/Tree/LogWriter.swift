import Foundation
import GRDB
import LedgerCore

/// Appends entries inside one write transaction: the entry rows, their tree hashes (tiles) and
/// the state projection. Hashing is O(1) amortized per entry (the frontier); tiles that fill up
/// are written at once, the growing rightmost ones when the batch finishes.
struct LogWriter {
    let db: Database
    let suite: Suite
    private(set) var frontier: MerkleFrontier
    private var openTiles: [TileKey: [Hash]] = [:]

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
    }

    var size: UInt64 { frontier.size }
    var root: Hash { frontier.root(hasher: suite.treeHasher) }

    /// Appends `record` as the next entry. With `skipDuplicates`, a `change_id` already in the log
    /// is acknowledged and skipped (returns false); otherwise it is an error.
    mutating func append(_ record: ChangeRecord, skipDuplicates: Bool) throws -> Bool {
        let index = frontier.size
        let insert = try db.cachedStatement(sql: skipDuplicates
            ? "INSERT INTO entry (idx, change_id, data) VALUES (?, ?, ?) ON CONFLICT (change_id) DO NOTHING"
            : "INSERT INTO entry (idx, change_id, data) VALUES (?, ?, ?)")
        try insert.execute(arguments: [Int64(index), record.changeID, Data(record.canonicalBytes)])
        if skipDuplicates && db.changesCount == 0 { return false }

        let upsert = try db.cachedStatement(sql: """
            INSERT INTO state (category, id, content_hash, last_index, revoked) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (category, id) DO UPDATE SET
                content_hash = excluded.content_hash, last_index = excluded.last_index, revoked = excluded.revoked
            """)
        let contentHash = suite.contentHash(record.contentBytes)
        try upsert.execute(arguments: [record.category, record.id, Data(contentHash.bytes), Int64(index), record.operation == .revoke ? 1 : 0])

        let leafHash = suite.treeHasher.leafHash(record.canonicalBytes)
        // Nodes at tile bottom rows (levels 0, 8, 16, …) that this leaf completes.
        var completed: [(level: Int, index: UInt64, hash: Hash)] = []
        frontier.append(leafHash, hasher: suite.treeHasher) { level, nodeIndex, hash in
            if level % TileLayout.height == 0 { completed.append((level, nodeIndex, hash)) }
        }
        for node in completed {
            let key = TileKey(level: node.level / TileLayout.height, index: node.index / UInt64(TileLayout.width))
            var hashes = try openTiles[key] ?? TileReader.tile(key, in: db) ?? []
            let offset = Int(node.index % UInt64(TileLayout.width))
            guard hashes.count == offset else {
                throw LedgerStoreError.corrupt("stored tile \(key.level)/\(key.index) has \(hashes.count) hashes, expected \(offset)", index: index)
            }
            hashes.append(node.hash)
            openTiles[key] = hashes
            if hashes.count == TileLayout.width { try writeTile(key) }
        }
        return true
    }

    /// Writes the tiles still open (the partial rightmost ones).
    mutating func finish() throws {
        for key in Array(openTiles.keys) { try writeTile(key) }
    }

    private mutating func writeTile(_ key: TileKey) throws {
        guard let hashes = openTiles.removeValue(forKey: key) else { return }
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tile (level, idx, hashes) VALUES (?, ?, ?)")
        try statement.execute(arguments: [key.level, Int64(key.index), Data(TileLayout.encode(hashes))])
    }
}
