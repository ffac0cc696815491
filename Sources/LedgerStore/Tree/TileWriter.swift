public import GRDB
public import LedgerCore

/// The Merkle tree of a SQLite log (`tile` table) inside one write transaction: loads the right
/// edge at the current size, hashes appended leaves (by the shared `TreeIntegration`), writes
/// tiles as they fill and the partial rightmost ones on `finish`. One tree writer for every SQLite
/// log: the province ledger and HQ's feeds (`LogWriter`) and HQ's mirrors, which differ only in
/// the rows they keep beside it.
public struct TileWriter {
    let db: Database
    public private(set) var tree: TreeIntegration

    /// The tree of the first `size` entries, from the stored tiles. A stored tile that does not
    /// fit `size` throws the `VerificationFailure` that says which.
    public init(db: Database, size: UInt64, hasher: TreeHasher) throws {
        self.db = db
        var edge: [TileKey: [Hash]] = [:]
        for (key, _) in TileLayout.rightEdge(size: size) {
            edge[key] = try TileStorage.blob(key, in: db).map(TileLayout.decode)
        }
        tree = try TreeIntegration(size: size, rightEdge: edge, hasher: hasher)
    }

    public var size: UInt64 { tree.size }
    public var root: Hash { tree.root }
    public var frontier: MerkleFrontier { tree.frontier }

    /// Adds one leaf; tiles it fills are written at once.
    public mutating func append(_ leaf: Hash) throws {
        tree.append(leaf)
        for (key, hashes) in tree.takeFullTiles() { try TileStorage.write(key, hashes, in: db) }
    }

    /// Writes the tiles still open (the partial rightmost ones).
    public mutating func finish() throws {
        for (key, hashes) in tree.finish() { try TileStorage.write(key, hashes, in: db) }
    }
}
