/// `fsck` for a stored log, as pure code every storage backend shares: the backend streams its
/// rows in (entries in index order, the state item and tile each entry points at) and this
/// recomputes everything from the entries. Every entry must parse as a canonical record of the
/// province under its stored change id; indexes run 0…n−1 without gaps; every stored tree hash
/// and checkpoint root must equal the one recomputed; the state projection, where a backend keeps
/// one, must be exactly what the log implies; a province log holds nothing beyond its latest
/// checkpoint. The first failure names the first bad index (or the range it lies in, when stored
/// hashes were rewritten to match).
public struct LogVerifier {
    public enum Role: Sendable {
        /// A province's own log: every entry is covered by a checkpoint.
        case province
        /// HQ's mirror: its entries may stop short of its latest (pending) checkpoint.
        case mirror
    }

    /// A state projection row as a backend stores it.
    public struct StoredState: Sendable, Equatable {
        public var contentHash: Hash
        public var lastIndex: UInt64
        public var revoked: Bool

        public init(contentHash: Hash, lastIndex: UInt64, revoked: Bool) {
            self.contentHash = contentHash
            self.lastIndex = lastIndex
            self.revoked = revoked
        }
    }

    public struct Report: Sendable, Equatable {
        public var entries: UInt64
        public var checkpoints: Int
        public var stateItems: Int
        public var tiles: Int
        public var latest: Checkpoint?
    }

    let suite: Suite
    let province: String
    let role: Role
    let checkpoints: [Checkpoint]
    private var frontier = MerkleFrontier()
    private var nextCheckpoint = 0
    private var lastVerifiedSize: UInt64 = 0
    /// State items whose last index is the entry that set them.
    private var latestIndexes = 0
    /// The bottom row of the tile last read at each tile level.
    private var bottomRows: [Int: (index: UInt64, hashes: [Hash])] = [:]

    /// `checkpoints`: the stored checkpoints in size order, their signatures already verified
    /// by the caller (which holds the keys).
    public init(suite: Suite, province: String, role: Role, checkpoints: [Checkpoint]) throws(VerificationFailure) {
        self.suite = suite
        self.province = province
        self.role = role
        self.checkpoints = checkpoints
        for (offset, checkpoint) in checkpoints.enumerated() where offset > 0 && checkpoints[offset - 1].size >= checkpoint.size {
            throw VerificationFailure("checkpoints are not in increasing size order at size \(checkpoint.size)", index: checkpoint.size)
        }
        while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size == 0 {
            guard checkpoints[nextCheckpoint].root == suite.treeHasher.emptyRoot else {
                throw VerificationFailure("the checkpoint of size 0 has a root other than the empty tree's", index: 0)
            }
            nextCheckpoint += 1
        }
    }

    var latestSize: UInt64 { checkpoints.last?.size ?? 0 }

    /// Checks the next stored entry. `state` looks up the state item of a key (nil for backends
    /// without a state table); `tile` reads a stored tile's blob. Returns the parsed record, for
    /// backends that check their own derived columns against it.
    @discardableResult
    public mutating func check(index: UInt64, changeID: String, data: [UInt8],
                               state: ((String, String) throws -> StoredState?)?,
                               tile: (TileKey) throws -> [UInt8]?) throws -> ChangeRecord {
        let hasher = suite.treeHasher
        guard index == frontier.size else {
            throw VerificationFailure("entry \(frontier.size) is missing (the next stored entry is \(index))", index: frontier.size)
        }
        guard index < latestSize else {
            throw VerificationFailure("entry \(index) lies beyond the latest checkpoint (size \(latestSize))", index: index)
        }
        let record: ChangeRecord
        do {
            record = try ChangeRecord(canonicalEntry: data, province: province)
        } catch {
            throw VerificationFailure("entry \(index) is not a canonical change record of \(province): \(error)", index: index)
        }
        guard record.changeID == changeID else {
            throw VerificationFailure("entry \(index) has change id \(record.changeID) but is filed under \(changeID)", index: index)
        }
        if let state {
            // The key's row must point at this entry or a later one; if at this one, hold its content.
            guard let item = try state(record.category, record.id) else {
                throw VerificationFailure("the state has no item for entry \(index) (\(record.category)/\(record.id))", index: index)
            }
            guard item.lastIndex >= index else {
                throw VerificationFailure("the state item \(record.category)/\(record.id) points at entry \(item.lastIndex), older than entry \(index)", index: index)
            }
            if item.lastIndex == index {
                latestIndexes += 1
                guard item.contentHash == suite.contentHash(record.contentBytes), item.revoked == (record.operation == .revoke) else {
                    throw VerificationFailure("the state item \(record.category)/\(record.id) does not match entry \(index)", index: index)
                }
            }
        }
        // Tree: every recomputed bottom-row node must equal the stored tile hash.
        var completed: [(level: Int, index: UInt64, hash: Hash)] = []
        frontier.append(hasher.leafHash(data), hasher: hasher) { level, nodeIndex, hash in
            if level % TileLayout.height == 0 { completed.append((level, nodeIndex, hash)) }
        }
        for node in completed {
            let key = TileKey(level: node.level / TileLayout.height, index: node.index / UInt64(TileLayout.width))
            if bottomRows[key.level]?.index != key.index {
                bottomRows[key.level] = (key.index, TileLayout.decode(try tile(key) ?? []))
            }
            let stored = bottomRows[key.level]!.hashes
            let offset = Int(node.index % UInt64(TileLayout.width))
            guard offset < stored.count, stored[offset] == node.hash else {
                let first = node.index << UInt64(node.level)
                throw VerificationFailure(
                    node.level == 0
                        ? "entry \(index) does not match its stored leaf hash (changed, swapped or replaced)"
                        : "the stored tree hash over entries \(first)..<\(first + (1 << UInt64(node.level))) does not match them",
                    index: node.level == 0 ? index : first)
            }
        }
        // Checkpoints: the recomputed root at each checkpointed size.
        while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size == frontier.size {
            guard frontier.root(hasher: hasher) == checkpoints[nextCheckpoint].root else {
                throw VerificationFailure(
                    "the entries do not produce the signed root of checkpoint \(frontier.size); the first bad entry is in \(lastVerifiedSize)..<\(frontier.size)",
                    index: lastVerifiedSize)
            }
            lastVerifiedSize = frontier.size
            nextCheckpoint += 1
        }
        return record
    }

    /// The end of the log: `stateItems` is the state table's row count (nil without one),
    /// `storedTiles` every stored tile with its hash count.
    public func finish(stateItems: Int?, storedTiles: [(key: TileKey, count: Int)]) throws -> Report {
        let size = frontier.size
        switch role {
        case .province:
            guard size == latestSize else {
                throw VerificationFailure("the log has \(size) entries but its latest checkpoint covers \(latestSize)", index: size)
            }
        case .mirror:
            if nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size < size {
                throw VerificationFailure("checkpoint \(checkpoints[nextCheckpoint].size) was not reached", index: size)
            }
        }
        if let stateItems {
            guard stateItems == latestIndexes else {
                throw VerificationFailure("the state holds \(stateItems) items but the log implies \(latestIndexes)", index: size)
            }
        }
        // No stored tile beyond what the tree has, and no partial tile longer than it should be.
        for (key, count) in storedTiles {
            let start = key.index * UInt64(TileLayout.width)
            guard start + UInt64(count) <= TileLayout.nodes(level: key.level, size: size) else {
                throw VerificationFailure("stored tile \(key) reaches beyond the log's \(size) entries", index: size)
            }
        }
        return Report(entries: size, checkpoints: checkpoints.count, stateItems: stateItems ?? latestIndexes,
                      tiles: storedTiles.count, latest: checkpoints.last)
    }
}
