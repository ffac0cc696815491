import GRDB
public import LedgerCore

extension LedgerStore {
    /// The RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries (default:
    /// the latest checkpoint's size). Reads O(log n) tiles.
    public func inclusionProof(index: UInt64, treeSize: UInt64? = nil) async throws -> InclusionProof {
        let hasher = suite.treeHasher
        return try await pool.read { db in
            let size = try treeSize ?? Self.latestCheckpointSize(db)
            try Self.requireTreeSize(size, db)
            guard index < size else {
                throw LedgerStoreError(.indexOutOfRange, "entry \(index) is not in the tree of size \(size)", hint: "the index must be below the tree size")
            }
            let reader = TileStorage.reader(db, hasher: hasher)
            return InclusionProof(leafIndex: index, treeSize: size, leafHash: try reader.node(level: 0, index: index),
                                  hashes: try MerkleProofs(hasher: hasher).inclusionProof(index: index, size: size, reader: reader))
        }
    }

    /// The RFC 9162 consistency proof from the tree of `oldSize` to that of `newSize` (default:
    /// the latest checkpoint's size).
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64? = nil) async throws -> ConsistencyProof {
        let hasher = suite.treeHasher
        return try await pool.read { db in
            let size = try newSize ?? Self.latestCheckpointSize(db)
            try Self.requireTreeSize(size, db)
            guard oldSize <= size else {
                throw LedgerStoreError(.indexOutOfRange, "old size \(oldSize) is larger than new size \(size)", hint: "prove from an older tree to a newer one")
            }
            let reader = TileStorage.reader(db, hasher: hasher)
            return ConsistencyProof(oldSize: oldSize, newSize: size,
                                    hashes: try MerkleProofs(hasher: hasher).consistencyProof(from: oldSize, to: size, reader: reader))
        }
    }

    /// The root of the tree of `size` entries, from stored tree hashes.
    public func root(size: UInt64) async throws -> Hash {
        let hasher = suite.treeHasher
        return try await pool.read { db in
            try Self.requireTreeSize(size, db)
            return try MerkleProofs(hasher: hasher).root(size: size, reader: TileStorage.reader(db, hasher: hasher))
        }
    }

    static func latestCheckpointSize(_ db: Database) throws -> UInt64 {
        try SQLiteInteger.size(try Int64.fetchOne(db, sql: "SELECT max(size) FROM checkpoint") ?? 0)
    }

    static func requireTreeSize(_ size: UInt64, _ db: Database) throws {
        let entries = try entryCount(db)
        guard size <= entries else {
            throw LedgerStoreError(.indexOutOfRange, "the log has \(entries) entries; there is no tree of size \(size)",
                                   hint: "use a size at most the latest checkpoint's")
        }
    }
}
