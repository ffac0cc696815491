import Foundation
import LedgerCore
import Testing
import TestSupport

/// RFC 6962/9162 vectors computed with Go's golang.org/x/mod/sumdb/tlog.
@Suite("RFC 9162 Merkle trees")
struct MerkleVectorTests {
    struct Leaf: Decodable { let index: Int; let dataHex: String; let leafHashHex: String }
    struct Root: Decodable { let size: UInt64; let rootHex: String }
    struct Inclusion: Decodable { let leafIndex: UInt64; let treeSize: UInt64; let pathHex: [String] }
    struct Consistency: Decodable { let oldSize: UInt64; let newSize: UInt64; let pathHex: [String] }
    struct File: Decodable {
        let leaves: [Leaf]
        let roots: [Root]
        let inclusion: [Inclusion]
        let consistency: [Consistency]
    }

    static let hasher = Suite.sha256Ed25519.treeHasher

    @Test("reproduces every leaf hash, root, inclusion and consistency proof", arguments: ["merkle-ct-leaves.json", "merkle-70.json"])
    func vectors(file name: String) throws {
        let file = try Vectors.decode(File.self, from: name)
        let hasher = Self.hasher
        let leafHashes = file.leaves.map { hasher.leafHash([UInt8](vectorHex: $0.dataHex)) }
        #expect(leafHashes.map(\.hex) == file.leaves.map(\.leafHashHex))

        let tree = InMemoryMerkleTree(hasher: hasher, leafHashes: leafHashes)
        let proofs = MerkleProofs(hasher: hasher)
        var roots: [UInt64: Hash] = [:]
        for root in file.roots {
            let computed = try proofs.root(size: root.size, reader: tree)
            #expect(computed.hex == root.rootHex, "root of size \(root.size)")
            #expect(hasher.root(leafHashes: Array(leafHashes.prefix(Int(root.size)))) == computed)
            roots[root.size] = computed
        }
        #expect(file.inclusion.count > 30)
        for vector in file.inclusion {
            let path = try proofs.inclusionProof(index: vector.leafIndex, size: vector.treeSize, reader: tree)
            #expect(path.map(\.hex) == vector.pathHex, "inclusion \(vector.leafIndex) in \(vector.treeSize)")
            let proof = InclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize,
                                       leafHash: leafHashes[Int(vector.leafIndex)], hashes: path)
            try proof.verify(root: roots[vector.treeSize]!, hasher: hasher)
        }
        for vector in file.consistency {
            let path = try proofs.consistencyProof(from: vector.oldSize, to: vector.newSize, reader: tree)
            #expect(path.map(\.hex) == vector.pathHex, "consistency \(vector.oldSize) → \(vector.newSize)")
            try ConsistencyProof(oldSize: vector.oldSize, newSize: vector.newSize, hashes: path)
                .verify(oldRoot: roots[vector.oldSize]!, newRoot: roots[vector.newSize]!, hasher: hasher)
        }
    }

    @Test("verification rejects altered proofs")
    func rejectsAlteredProofs() throws {
        let hasher = Self.hasher
        let leaves = (0..<13).map { hasher.leafHash(Array("leaf \($0)".utf8)) }
        let tree = InMemoryMerkleTree(hasher: hasher, leafHashes: leaves)
        let proofs = MerkleProofs(hasher: hasher)
        let root13 = try proofs.root(size: 13, reader: tree)
        let root6 = try proofs.root(size: 6, reader: tree)
        let path = try proofs.inclusionProof(index: 5, size: 13, reader: tree)
        let good = InclusionProof(leafIndex: 5, treeSize: 13, leafHash: leaves[5], hashes: path)
        try good.verify(root: root13, hasher: hasher)

        var wrongLeaf = good
        wrongLeaf.leafHash = leaves[6]
        #expect(throws: LedgerCoreError.self) { try wrongLeaf.verify(root: root13, hasher: hasher) }
        var wrongIndex = good
        wrongIndex.leafIndex = 4
        #expect(throws: LedgerCoreError.self) { try wrongIndex.verify(root: root13, hasher: hasher) }
        var truncated = good
        truncated.hashes.removeLast()
        #expect(throws: LedgerCoreError.self) { try truncated.verify(root: root13, hasher: hasher) }
        var extended = good
        extended.hashes.append(leaves[0])
        #expect(throws: LedgerCoreError.self) { try extended.verify(root: root13, hasher: hasher) }
        #expect(throws: LedgerCoreError.self) { try good.verify(root: root6, hasher: hasher) }

        let consistency = ConsistencyProof(oldSize: 6, newSize: 13, hashes: try proofs.consistencyProof(from: 6, to: 13, reader: tree))
        try consistency.verify(oldRoot: root6, newRoot: root13, hasher: hasher)
        #expect(throws: LedgerCoreError.self) { try consistency.verify(oldRoot: root13, newRoot: root13, hasher: hasher) }
        var altered = consistency
        altered.hashes[0] = leaves[0]
        #expect(throws: LedgerCoreError.self) { try altered.verify(oldRoot: root6, newRoot: root13, hasher: hasher) }
        // Two different roots for one size are never consistent.
        #expect(throws: LedgerCoreError.self) {
            try ConsistencyProof(oldSize: 6, newSize: 6, hashes: []).verify(oldRoot: root6, newRoot: root13, hasher: hasher)
        }
    }

    @Test("proof JSON round-trips in DESIGN §4 form")
    func proofJSON() throws {
        let hasher = Self.hasher
        let leaves = (0..<8).map { hasher.leafHash([UInt8($0)]) }
        let tree = InMemoryMerkleTree(hasher: hasher, leafHashes: leaves)
        let proofs = MerkleProofs(hasher: hasher)
        let inclusion = InclusionProof(leafIndex: 5, treeSize: 8, leafHash: leaves[5],
                                       hashes: try proofs.inclusionProof(index: 5, size: 8, reader: tree))
        #expect(inclusion.jsonText.hasPrefix(#"{"hashes":[""#))
        #expect(try InclusionProof(json: Array(inclusion.jsonText.utf8)) == inclusion)
        let consistency = ConsistencyProof(oldSize: 3, newSize: 8, hashes: try proofs.consistencyProof(from: 3, to: 8, reader: tree))
        #expect(try ConsistencyProof(json: Array(consistency.jsonText.utf8)) == consistency)
        #expect(throws: LedgerCoreError.self) { try InclusionProof(json: Array(#"{"leaf_index":-1}"#.utf8)) }
        // Hashes in strict base64 only: one spelling per hash.
        let canonical = leaves[0].base64
        for variant in [canonical.replacingOccurrences(of: "=", with: ""), " " + canonical,
                        canonical.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")] where variant != canonical {
            let text = consistency.jsonText.replacingOccurrences(of: consistency.hashes[0].base64, with: variant)
            #expect(throws: LedgerCoreError.self) { try ConsistencyProof(json: Array(text.utf8)) }
        }
        // Non-canonical trailing bits: the last character before "=" carries two unused bits;
        // setting one spells the same bytes differently, which strict decoding refuses.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(canonical)
        let position = characters.count - 2
        characters[position] = alphabet[alphabet.firstIndex(of: characters[position])! | 1]
        let lax = String(characters)
        #expect(lax != canonical && Hash(base64: lax) == nil)
    }

    @Test("tree integration from stored tiles agrees with the tree, whatever the batches", arguments: [1, 7, 255, 256, 257, 1000])
    func integration(batch: Int) throws {
        let hasher = Self.hasher
        let leaves = (0..<3000).map { hasher.leafHash(Array("leaf \($0)".utf8)) }
        var tiles: [TileKey: [Hash]] = [:]
        var size = 0
        while size < leaves.count {
            // A backend's append: load the right edge, integrate, write back what it is given.
            var edge: [TileKey: [Hash]] = [:]
            for (key, count) in TileLayout.rightEdge(size: UInt64(size)) {
                edge[key] = tiles[key]
                #expect(tiles[key]?.count == count)
            }
            var tree = try TreeIntegration(size: UInt64(size), rightEdge: edge, hasher: hasher)
            let end = min(leaves.count, size + batch)
            for leaf in leaves[size..<end] { tree.append(leaf) }
            for (key, hashes) in tree.finish() { tiles[key] = hashes }
            size = end
            #expect(tree.root == hasher.root(leafHashes: Array(leaves[..<size])))
        }
        // Proofs read from those tiles are the tree's.
        let reader = TileNodeReader(hasher: hasher) { key in tiles[key].map(TileLayout.encode) }
        let memory = InMemoryMerkleTree(hasher: hasher, leafHashes: leaves)
        let proofs = MerkleProofs(hasher: hasher)
        for (old, new) in [(1, 3000), (256, 2999), (1000, 2048), (2047, 2049)] as [(UInt64, UInt64)] {
            #expect(try proofs.consistencyProof(from: old, to: new, reader: reader) == proofs.consistencyProof(from: old, to: new, reader: memory))
        }
        // A right edge that is missing or of the wrong length is refused, not trusted.
        #expect(throws: VerificationFailure.self) { try TreeIntegration(size: 3000, rightEdge: [:], hasher: hasher) }
    }
}
