import Foundation
import GRDB
import LedgerCore

/// Reads perfect subtree hashes from the `tile` table within one database access, caching the
/// tiles it has read. A proof touches O(log n) tiles.
final class TileReader: MerkleNodeReader {
    let db: Database
    let hasher: TreeHasher
    /// Raw tile blobs read so far.
    private var cache: [TileKey: [UInt8]] = [:]

    init(db: Database, hasher: TreeHasher) {
        self.db = db
        self.hasher = hasher
    }

    static func tile(_ key: TileKey, in db: Database) throws -> [Hash]? {
        try blob(key, in: db).map(TileLayout.decode)
    }

    static func blob(_ key: TileKey, in db: Database) throws -> [UInt8]? {
        let statement = try db.cachedStatement(sql: "SELECT hashes FROM tile WHERE level = ? AND idx = ?")
        return try Data.fetchOne(statement, arguments: [key.level, Int64(key.index)]).map { [UInt8]($0) }
    }

    func node(level: Int, index: UInt64) throws -> Hash {
        let place = TileLayout.locate(level: level, index: index)
        let key = TileKey(level: place.tileLevel, index: place.tileIndex)
        let blob: [UInt8]
        if let cached = cache[key] {
            blob = cached
        } else {
            blob = try Self.blob(key, in: db) ?? []
            cache[key] = blob
        }
        guard (place.offset + place.count) * 32 <= blob.count else {
            throw LedgerStoreError.corrupt("the tree node at level \(level), index \(index) is not stored", index: index << UInt64(level))
        }
        let hashes = TileLayout.hashes(blob, place.offset..<place.offset + place.count)
        if place.count == 1 { return hashes[0] }
        return TileLayout.perfectRoot(hashes[...], hasher: hasher)
    }
}

struct TileKey: Hashable {
    var level: Int
    var index: UInt64
}
