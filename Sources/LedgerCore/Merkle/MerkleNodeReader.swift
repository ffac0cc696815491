/// Read access to the perfect subtree hashes of a tree: `node(level:index:)` is the root of
/// leaves [index·2^level, (index+1)·2^level). Stores answer from stored hashes, so proofs cost
/// O(log n) reads.
public protocol MerkleNodeReader {
    func node(level: Int, index: UInt64) throws -> Hash
}

/// A reader over leaf hashes held in memory (tests, vectors, small trees).
public struct InMemoryMerkleTree: MerkleNodeReader, Sendable {
    public let hasher: TreeHasher
    public private(set) var levels: [[Hash]] = [[]]

    public init(hasher: TreeHasher, leafHashes: [Hash] = []) {
        self.hasher = hasher
        for leaf in leafHashes { append(leafHash: leaf) }
    }

    public var size: UInt64 { UInt64(levels[0].count) }

    public mutating func append(leafHash: Hash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = hasher.nodeHash(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    public func node(level: Int, index: UInt64) throws -> Hash {
        guard level < levels.count, index < UInt64(levels[level].count) else {
            throw LedgerCoreError(.invalidTreeSize, "no complete node at level \(level) index \(index)")
        }
        return levels[level][Int(index)]
    }
}
