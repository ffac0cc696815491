/// RFC 9162 §2.1.1 hashing over a suite's hash function: leaves are H(0x00 || entry),
/// interior nodes H(0x01 || left || right), the empty tree H("").
public struct TreeHasher: Sendable {
    public let algorithm: any HashAlgorithm
    public let emptyRoot: Hash

    public init(_ algorithm: any HashAlgorithm) {
        self.algorithm = algorithm
        self.emptyRoot = algorithm.hash([])
    }

    public func leafHash(_ entry: UnsafeRawBufferPointer) -> Hash {
        algorithm.hash(prefix: 0x00, entry)
    }

    public func leafHash(_ entry: [UInt8]) -> Hash {
        entry.withUnsafeBytes { algorithm.hash(prefix: 0x00, $0) }
    }

    public func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        algorithm.hash(prefix: 0x01, left, right)
    }

    /// The root of the tree over `leafHashes` (for tests and small trees).
    public func root(leafHashes: [Hash]) -> Hash {
        var frontier = MerkleFrontier()
        for leaf in leafHashes { frontier.append(leaf, hasher: self) }
        return frontier.root(hasher: self)
    }
}
