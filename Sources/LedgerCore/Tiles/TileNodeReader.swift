/// Reads perfect subtree hashes from stored tiles through `fetch` (one backend read per tile,
/// cached), so any proof or root costs O(log n) tile reads. Lives for one read transaction.
public final class TileNodeReader: MerkleNodeReader {
    public let hasher: TreeHasher
    private let fetch: (TileKey) throws -> [UInt8]?
    private var cache: [TileKey: [UInt8]] = [:]

    /// `fetch` returns a tile's stored blob (32-byte hashes concatenated), or nil if none is stored.
    public init(hasher: TreeHasher, fetch: @escaping (TileKey) throws -> [UInt8]?) {
        self.hasher = hasher
        self.fetch = fetch
    }

    public func node(level: Int, index: UInt64) throws -> Hash {
        let place = TileLayout.locate(level: level, index: index)
        let blob: [UInt8]
        if let cached = cache[place.key] {
            blob = cached
        } else {
            blob = try fetch(place.key) ?? []
            cache[place.key] = blob
        }
        guard (place.offset + place.count) * 32 <= blob.count else {
            throw VerificationFailure("the tree node at level \(level), index \(index) is not stored", index: index << UInt64(level))
        }
        let hashes = TileLayout.hashes(blob, place.offset..<place.offset + place.count)
        if place.count == 1 { return hashes[0] }
        return TileLayout.perfectRoot(hashes[...], hasher: hasher)
    }
}
