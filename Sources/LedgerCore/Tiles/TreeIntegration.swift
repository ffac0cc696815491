/// Integrates new leaves into a tree stored as tiles: the pure half of appending, shared by every
/// storage backend, as Tessera keeps integration out of its storage drivers. A backend reads the
/// partial tiles `TileLayout.rightEdge(size:)` names, integrates the new leaf hashes here, and
/// writes back the tiles it is given (replacing rows of the same key); it never computes a hash.
///
/// Appending k leaves costs O(k) hash operations: the frontier of perfect subtrees comes from the
/// right-edge tiles, and every completed node at a tile's bottom row goes into its tile.
public struct TreeIntegration: Sendable {
    public let hasher: TreeHasher
    public private(set) var frontier: MerkleFrontier
    /// The partial tile being filled at each tile level, with whether it changed.
    private var open: [(index: UInt64, hashes: [Hash], changed: Bool)?]
    /// Tiles that filled up since the last `takeFullTiles()`; written once, never again.
    private var full: [(key: TileKey, hashes: [Hash])] = []

    /// Starts from a stored tree of `size` leaves whose right-edge partial tiles are `rightEdge`.
    /// Throws if a tile is missing or has the wrong number of hashes (a store that does not hold
    /// together; nothing should be written).
    public init(size: UInt64, rightEdge: [TileKey: [Hash]], hasher: TreeHasher) throws(VerificationFailure) {
        self.hasher = hasher
        open = Array(repeating: nil, count: 64 / TileLayout.height)
        for (key, count) in TileLayout.rightEdge(size: size) {
            guard let hashes = rightEdge[key] else {
                throw VerificationFailure("the stored tile \(key) at the tree's right edge is missing", index: size)
            }
            guard hashes.count == count else {
                throw VerificationFailure("the stored tile \(key) has \(hashes.count) hashes, the tree of \(size) leaves needs \(count)", index: size)
            }
            open[key.level] = (key.index, hashes, false)
        }
        // The perfect subtrees of [0, size), leftmost first: each lies in its level's open tile.
        var hashes: [Hash] = []
        var covered: UInt64 = 0
        for level in (0..<64).reversed() where size & (1 << UInt64(level)) != 0 {
            let place = TileLayout.locate(level: level, index: covered >> UInt64(level))
            guard let tile = open[place.key.level], tile.index == place.key.index, place.offset + place.count <= tile.hashes.count else {
                throw VerificationFailure("the stored tiles do not hold the tree's right edge at level \(level)", index: covered)
            }
            let row = tile.hashes[place.offset..<place.offset + place.count]
            hashes.append(place.count == 1 ? row.first! : TileLayout.perfectRoot(row, hasher: hasher))
            covered += 1 << UInt64(level)
        }
        do throws(LedgerCoreError) {
            frontier = try MerkleFrontier(size: size, hashes: hashes)
        } catch {
            throw VerificationFailure(error.message, index: size)
        }
    }

    /// A tree with no leaves.
    public init(hasher: TreeHasher) {
        self.hasher = hasher
        frontier = MerkleFrontier()
        open = Array(repeating: nil, count: 64 / TileLayout.height)
    }

    public var size: UInt64 { frontier.size }
    public var root: Hash { frontier.root(hasher: hasher) }

    /// Appends one leaf hash.
    public mutating func append(_ leafHash: Hash) {
        // Completed nodes arrive bottom-up; only tile bottom rows (levels 0, 8, 16, …) are kept.
        var completed: (Int, UInt64, Hash)?
        var more: [(Int, UInt64, Hash)] = []
        frontier.append(leafHash, hasher: hasher) { level, index, hash in
            guard level % TileLayout.height == 0 else { return }
            if completed == nil { completed = (level, index, hash) } else { more.append((level, index, hash)) }
        }
        if let (level, index, hash) = completed { place(level: level, index: index, hash: hash) }
        for (level, index, hash) in more { place(level: level, index: index, hash: hash) }
    }

    private mutating func place(level: Int, index: UInt64, hash: Hash) {
        let tileLevel = level / TileLayout.height
        let tileIndex = index / UInt64(TileLayout.width)
        var tile = open[tileLevel] ?? (tileIndex, [], true)
        open[tileLevel] = nil  // keep the array uniquely referenced while appending
        if tile.index != tileIndex {
            precondition(tile.hashes.isEmpty, "a tile is left only when it is full")
            tile = (tileIndex, [], true)
        }
        precondition(Int(index % UInt64(TileLayout.width)) == tile.hashes.count, "tree nodes are completed in order")
        if tile.hashes.isEmpty { tile.hashes.reserveCapacity(TileLayout.width) }
        tile.hashes.append(hash)
        tile.changed = true
        if tile.hashes.count == TileLayout.width {
            full.append((TileKey(level: tileLevel, index: tileIndex), tile.hashes))
        } else {
            open[tileLevel] = tile
        }
    }

    /// Tiles that filled up since the last call, to write now (keeps memory flat in long batches).
    public mutating func takeFullTiles() -> [(key: TileKey, hashes: [Hash])] {
        defer { full.removeAll() }
        return full
    }

    /// Everything still to write: tiles that filled up and the partial right edge that changed.
    public mutating func finish() -> [(key: TileKey, hashes: [Hash])] {
        var tiles = takeFullTiles()
        for level in open.indices {
            guard let tile = open[level], tile.changed else { continue }
            tiles.append((TileKey(level: level, index: tile.index), tile.hashes))
            open[level]!.changed = false
        }
        return tiles
    }
}
