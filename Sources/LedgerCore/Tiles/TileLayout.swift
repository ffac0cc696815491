/// Where tree nodes live in tiles of height 8 and width 256, as C2SP tlog-tiles lays them out:
/// tile (L, i) holds the hashes of tree level 8L, nodes [256·i, 256·i + n), concatenated. Only the
/// rightmost tile of each level is partial. Every storage backend keeps tiles in this layout, so a
/// tile row can be served as a static tile as-is.
public enum TileLayout {
    public static let height = 8
    public static let width = 1 << height

    /// The tile holding the bottom-row hashes a perfect node at (`level`, `index`) is built from,
    /// the offset of the first of them, and how many (2^(level mod 8)).
    public static func locate(level: Int, index: UInt64) -> (key: TileKey, offset: Int, count: Int) {
        let rise = level % height
        let first = index << UInt64(rise)
        return (TileKey(level: level / height, index: first / UInt64(width)), Int(first % UInt64(width)), 1 << rise)
    }

    /// The root of a perfect subtree over `hashes` (a power-of-two count).
    public static func perfectRoot(_ hashes: ArraySlice<Hash>, hasher: TreeHasher) -> Hash {
        var level = Array(hashes)
        while level.count > 1 {
            var next: [Hash] = []
            next.reserveCapacity(level.count / 2)
            var i = 0
            while i < level.count {
                next.append(hasher.nodeHash(level[i], level[i + 1]))
                i += 2
            }
            level = next
        }
        return level[0]
    }

    /// The partial tiles at the right edge of a tree of `size` leaves, with the number of hashes
    /// each holds: what a backend loads before integrating new leaves (at most one per level).
    public static func rightEdge(size: UInt64) -> [(key: TileKey, count: Int)] {
        var edge: [(key: TileKey, count: Int)] = []
        var level = 0
        while level * height < 64 {
            let nodes = size >> UInt64(level * height)
            if nodes == 0 { break }
            let count = Int(nodes % UInt64(width))
            if count > 0 { edge.append((TileKey(level: level, index: nodes / UInt64(width)), count)) }
            level += 1
        }
        return edge
    }

    /// Nodes of tile level `level` that a tree of `size` leaves has (its bottom row's length).
    /// The tiles, at every tile level, holding the nodes that entries `first...last` are
    /// under: what a verifier streaming those entries reads.
    public static func completed(from first: UInt64, through last: UInt64) -> Set<TileKey> {
        var needed = Set<TileKey>()
        var level = 0
        while level * height < 64, (last + 1) >> UInt64(level * height) > 0 {
            let low = (first >> UInt64(level * height)) / UInt64(width)
            let high = ((last + 1) >> UInt64(level * height)) / UInt64(width)
            for index in low...high { needed.insert(TileKey(level: level, index: index)) }
            level += 1
        }
        return needed
    }

    public static func nodes(level: Int, size: UInt64) -> UInt64 {
        level * height < 64 ? size >> UInt64(level * height) : 0
    }

    public static func decode(_ blob: some Collection<UInt8>) -> [Hash] {
        let bytes = Array(blob)
        return bytes.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - raw.count % 32, by: 32).map { Hash(copying: UnsafeRawBufferPointer(rebasing: raw[$0..<$0 + 32])) }
        }
    }

    /// Hashes `range` of a stored tile blob, without decoding the rest.
    public static func hashes(_ blob: [UInt8], _ range: Range<Int>) -> [Hash] {
        blob.withUnsafeBytes { raw in
            range.map { Hash(copying: UnsafeRawBufferPointer(rebasing: raw[($0 * 32)..<($0 * 32 + 32)])) }
        }
    }

    public static func encode(_ hashes: [Hash]) -> [UInt8] {
        var blob: [UInt8] = []
        blob.reserveCapacity(hashes.count * 32)
        for hash in hashes { hash.withUnsafeBytes { blob.append(contentsOf: $0) } }
        return blob
    }
}
