/// An RFC 9162 inclusion proof (audit path), as DESIGN §4 carries it in JSON:
/// `{"leaf_index": 5, "tree_size": 8, "leaf_hash": "…", "hashes": ["…", …]}`.
public struct InclusionProof: Sendable, Equatable {
    public var leafIndex: UInt64
    public var treeSize: UInt64
    public var leafHash: Hash
    public var hashes: [Hash]

    public init(leafIndex: UInt64, treeSize: UInt64, leafHash: Hash, hashes: [Hash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.hashes = hashes
    }

    /// RFC 9162 §2.1.3.2. Throws `proof.invalid` unless the path leads from `leafHash` to `root`.
    public func verify(root: Hash, hasher: TreeHasher) throws(LedgerCoreError) {
        guard leafIndex < treeSize else {
            throw LedgerCoreError(.proofInvalid, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in hashes {
            guard sn != 0 else {
                throw LedgerCoreError(.proofInvalid, "inclusion proof for leaf \(leafIndex) in tree \(treeSize) is too long")
            }
            if fn & 1 == 1 || fn == sn {
                r = hasher.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = hasher.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LedgerCoreError(.proofInvalid, "inclusion proof for leaf \(leafIndex) in tree \(treeSize) is too short")
        }
        guard r == root else {
            throw LedgerCoreError(.proofInvalid, "inclusion proof for leaf \(leafIndex) does not lead to the root of tree \(treeSize)")
        }
    }
}
