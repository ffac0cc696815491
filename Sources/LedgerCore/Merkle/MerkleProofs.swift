/// RFC 9162 §2.1.3.1 and §2.1.4.1: roots, audit paths and consistency proofs from any
/// `MerkleNodeReader`. Every hash these produce is the root of one subtree; perfect subtrees are
/// read, the at most one imperfect right-edge subtree per recursion is folded from perfect ones.
public struct MerkleProofs {
    public let hasher: TreeHasher

    public init(hasher: TreeHasher) {
        self.hasher = hasher
    }

    /// MTH(D[0:size]).
    public func root(size: UInt64, reader: some MerkleNodeReader) throws -> Hash {
        size == 0 ? hasher.emptyRoot : try subtreeHash(0, size, reader)
    }

    /// The audit path for leaf `index` in the tree of `size` leaves.
    public func inclusionProof(index: UInt64, size: UInt64, reader: some MerkleNodeReader) throws -> [Hash] {
        guard index < size else {
            throw LedgerCoreError(.invalidTreeSize, "leaf index \(index) is not in a tree of size \(size)",
                                  hint: "the index must be below the tree size")
        }
        var path: [Hash] = []
        try appendPath(index, 0, size, reader, into: &path)
        return path
    }

    /// The consistency proof between the trees of `oldSize` and `newSize` leaves.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64, reader: some MerkleNodeReader) throws -> [Hash] {
        guard oldSize <= newSize else {
            throw LedgerCoreError(.invalidTreeSize, "old size \(oldSize) is larger than new size \(newSize)",
                                  hint: "a consistency proof goes from an older (smaller) tree to a newer one")
        }
        guard oldSize > 0, oldSize < newSize else { return [] }
        var proof: [Hash] = []
        try appendSubproof(oldSize, 0, newSize, true, reader, into: &proof)
        return proof
    }

    // MARK: - Recursion over [lo, hi)

    func subtreeHash(_ lo: UInt64, _ hi: UInt64, _ reader: some MerkleNodeReader) throws -> Hash {
        let count = hi - lo
        if count.nonzeroBitCount == 1 {
            let level = count.trailingZeroBitCount
            return try reader.node(level: level, index: lo >> UInt64(level))
        }
        let k = Self.largestPowerOfTwo(below: count)
        return hasher.nodeHash(try subtreeHash(lo, lo + k, reader), try subtreeHash(lo + k, hi, reader))
    }

    func appendPath(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, _ reader: some MerkleNodeReader, into path: inout [Hash]) throws {
        let count = hi - lo
        guard count > 1 else { return }
        let k = Self.largestPowerOfTwo(below: count)
        if m < lo + k {
            try appendPath(m, lo, lo + k, reader, into: &path)
            path.append(try subtreeHash(lo + k, hi, reader))
        } else {
            try appendPath(m, lo + k, hi, reader, into: &path)
            path.append(try subtreeHash(lo, lo + k, reader))
        }
    }

    func appendSubproof(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, _ wholeOldTree: Bool, _ reader: some MerkleNodeReader, into proof: inout [Hash]) throws {
        let count = hi - lo
        if lo + m == hi {
            if !wholeOldTree { proof.append(try subtreeHash(lo, hi, reader)) }
            return
        }
        let k = Self.largestPowerOfTwo(below: count)
        if m <= k {
            try appendSubproof(m, lo, lo + k, wholeOldTree, reader, into: &proof)
            proof.append(try subtreeHash(lo + k, hi, reader))
        } else {
            try appendSubproof(m - k, lo + k, hi, false, reader, into: &proof)
            proof.append(try subtreeHash(lo, lo + k, reader))
        }
    }

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return 1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
