import Foundation
import GRDB
import LedgerCore

/// Reads perfect subtree hashes from the `tile` table within one database access, caching the
/// tiles it has read. A proof touches O(log n) tiles.
final class TileReader: MerkleNodeReader {
    let db: Database
    let hasher: TreeHasher
    private var cache: [TileKey: [Hash]] = [:]

    init(db: Database, hasher: TreeHasher) {
        self.db = db
        self.hasher = hasher
    }

    static func tile(_ key: TileKey, in db: Database) throws -> [Hash]? {
        let statement = try db.cachedStatement(sql: "SELECT hashes FROM tile WHERE level = ? AND idx = ?")
        guard let blob = try Data.fetchOne(statement, arguments: [key.level, Int64(key.index)]) else { return nil }
        return TileLayout.decode([UInt8](blob))
    }

    func node(level: Int, index: UInt64) throws -> Hash {
        let place = TileLayout.locate(level: level, index: index)
        let key = TileKey(level: place.tileLevel, index: place.tileIndex)
        let hashes: [Hash]
        if let cached = cache[key] {
            hashes = cached
        } else {
            hashes = try Self.tile(key, in: db) ?? []
            cache[key] = hashes
        }
        guard place.offset + place.count <= hashes.count else {
            throw LedgerStoreError.corrupt("the tree node at level \(level), index \(index) is not stored", index: index << UInt64(level))
        }
        if place.count == 1 { return hashes[place.offset] }
        return TileLayout.perfectRoot(hashes[place.offset..<place.offset + place.count], hasher: hasher)
    }
}

struct TileKey: Hashable {
    var level: Int
    var index: UInt64
}
