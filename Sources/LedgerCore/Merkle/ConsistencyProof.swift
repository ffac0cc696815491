/// An RFC 9162 consistency proof, as DESIGN §4 carries it in JSON:
/// `{"old_size": 3, "new_size": 8, "hashes": ["…", …]}`.
public struct ConsistencyProof: Sendable, Equatable {
    public var oldSize: UInt64
    public var newSize: UInt64
    public var hashes: [Hash]

    public init(oldSize: UInt64, newSize: UInt64, hashes: [Hash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// RFC 9162 §2.1.4.2: proves the tree of `oldSize` with `oldRoot` is a prefix of the tree of
    /// `newSize` with `newRoot`. Equal sizes need an empty proof and equal roots; an empty old tree
    /// is a prefix of everything and needs an empty proof.
    public func verify(oldRoot: Hash, newRoot: Hash, hasher: TreeHasher) throws(LedgerCoreError) {
        guard oldSize <= newSize else {
            throw LedgerCoreError(.proofInvalid, "old size \(oldSize) is larger than new size \(newSize)")
        }
        if oldSize == newSize {
            guard hashes.isEmpty else { throw LedgerCoreError(.proofInvalid, "a proof between equal sizes must be empty") }
            guard oldRoot == newRoot else {
                throw LedgerCoreError(.proofInvalid, "two different roots for tree size \(oldSize)")
            }
            return
        }
        if oldSize == 0 {
            guard hashes.isEmpty else { throw LedgerCoreError(.proofInvalid, "a proof from the empty tree must be empty") }
            return
        }
        guard !hashes.isEmpty else {
            throw LedgerCoreError(.proofInvalid, "empty consistency proof from \(oldSize) to \(newSize)")
        }
        var path = hashes[...]
        if oldSize.nonzeroBitCount == 1 { path = ([oldRoot] + hashes)[...] }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path.first!
        var sr = fr
        for c in path.dropFirst() {
            guard sn != 0 else {
                throw LedgerCoreError(.proofInvalid, "consistency proof from \(oldSize) to \(newSize) is too long")
            }
            if fn & 1 == 1 || fn == sn {
                fr = hasher.nodeHash(c, fr)
                sr = hasher.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = hasher.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LedgerCoreError(.proofInvalid, "consistency proof from \(oldSize) to \(newSize) is too short")
        }
        guard fr == oldRoot else {
            throw LedgerCoreError(.proofInvalid, "consistency proof does not match the root of the old tree (size \(oldSize))")
        }
        guard sr == newRoot else {
            throw LedgerCoreError(.proofInvalid, "consistency proof does not match the root of the new tree (size \(newSize))")
        }
    }
}
