/// The right edge of a tree over leaves [0, size): the roots of its perfect subtrees, largest
/// (leftmost) first, one per set bit of `size`. Appending a leaf costs amortized O(1) hashes, and
/// the root is a fold over at most 64 hashes, so appending k leaves costs O(k) hashing.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    /// Perfect subtree roots, leftmost first; `hashes[i]` has `levels[i]` levels.
    public private(set) var hashes: [Hash] = []
    public private(set) var levels: [Int] = []

    public init() {}

    /// A frontier from its parts; `hashes` must be the perfect subtree roots of [0, size).
    public init(size: UInt64, hashes: [Hash]) throws(LedgerCoreError) {
        guard hashes.count == size.nonzeroBitCount else {
            throw LedgerCoreError(.invalidTreeSize, "a frontier of size \(size) has \(size.nonzeroBitCount) hashes, got \(hashes.count)")
        }
        self.size = size
        self.hashes = hashes
        var levels: [Int] = []
        for bit in (0..<64).reversed() where size & (1 << UInt64(bit)) != 0 { levels.append(bit) }
        self.levels = levels
    }

    /// Appends one leaf hash. `completed` sees every perfect subtree this append completes, as
    /// (level, index, hash), leaf first: level 0 is the leaf itself.
    public mutating func append(
        _ leafHash: Hash,
        hasher: TreeHasher,
        completed: (_ level: Int, _ index: UInt64, _ hash: Hash) -> Void = { _, _, _ in }
    ) {
        var hash = leafHash
        var level = 0
        var index = size
        completed(0, index, hash)
        while let last = levels.last, last == level {
            hash = hasher.nodeHash(hashes.removeLast(), hash)
            levels.removeLast()
            level += 1
            index >>= 1
            completed(level, index, hash)
        }
        hashes.append(hash)
        levels.append(level)
        size += 1
    }

    /// The RFC 9162 root of [0, size).
    public func root(hasher: TreeHasher) -> Hash {
        guard var root = hashes.last else { return hasher.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            root = hasher.nodeHash(hash, root)
        }
        return root
    }
}
