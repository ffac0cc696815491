import Foundation
import GRDB
import LedgerCore

extension LedgerStore {
    /// What `verify` checked.
    public struct VerificationReport: Sendable, Equatable {
        public var entries: UInt64
        public var checkpoints: Int
        public var stateItems: Int
        public var tiles: Int
        public var latest: Checkpoint?
    }

    /// Recomputes everything from the entries, like `fsck`: every entry parses as a canonical
    /// record of this province with its stored change id; indexes run 0…n−1 without gaps; every
    /// stored tree hash and every checkpoint root equals the one recomputed from the entries;
    /// every checkpoint signature verifies; the state projection is exactly what the log implies;
    /// nothing lies beyond the latest checkpoint. Throws `store.corrupt` naming the first bad
    /// index (or the range it lies in, when stored hashes were rewritten to match).
    ///
    /// Runs in one read transaction; memory stays flat in the size of the log.
    public func verify() throws -> VerificationReport {
        try pool.read { db in
            let hasher = suite.treeHasher
            // Checkpoints: stored columns agree with the signed note, and the signature verifies.
            var checkpoints: [(size: UInt64, root: Hash)] = []
            for row in try Row.fetchAll(db, sql: "SELECT size, root, note FROM checkpoint ORDER BY size") {
                let size = UInt64(row["size"] as Int64)
                let note: String = row["note"]
                let checkpoint: VerifiedCheckpoint
                do {
                    checkpoint = try UnverifiedCheckpoint(parsing: note).verify(logKey: logVerifier, suite: suite.id)
                } catch {
                    throw LedgerStoreError.corrupt("the checkpoint of size \(size) does not verify: \(error)", index: size == 0 ? 0 : size - 1)
                }
                guard checkpoint.size == size, checkpoint.root.bytes == [UInt8](row["root"] as Data),
                      checkpoint.checkpoint.origin == metadata.origin
                else {
                    throw LedgerStoreError.corrupt("the stored columns of checkpoint \(size) disagree with its signed note", index: size == 0 ? 0 : size - 1)
                }
                checkpoints.append((size, checkpoint.root))
            }
            let latestSize = checkpoints.last?.size ?? 0

            var frontier = MerkleFrontier()
            var nextCheckpoint = 0
            var lastVerifiedSize: UInt64 = 0
            while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size == 0 {
                guard checkpoints[nextCheckpoint].root == hasher.emptyRoot else {
                    throw LedgerStoreError.corrupt("the checkpoint of size 0 has a root other than the empty tree's", index: 0)
                }
                nextCheckpoint += 1
            }
            var bottomRows: [Int: (index: UInt64, hashes: [Hash])] = [:]
            var latestIndexes = 0
            let stateLookup = try db.makeStatement(sql: "SELECT content_hash, last_index, revoked FROM state WHERE category = ? AND id = ?")

            let cursor = try Row.fetchCursor(db, sql: "SELECT idx, change_id, data FROM entry ORDER BY idx")
            while let row = try cursor.next() {
                let index = UInt64(row["idx"] as Int64)
                guard index == frontier.size else {
                    throw LedgerStoreError.corrupt("entry \(frontier.size) is missing (the next stored entry is \(index))", index: frontier.size)
                }
                guard index < latestSize || metadata.role == .mirror else {
                    throw LedgerStoreError.corrupt("entry \(index) lies beyond the latest checkpoint (size \(latestSize))", index: index)
                }
                let data = [UInt8](row["data"] as Data)
                let record: ChangeRecord
                do {
                    record = try ChangeRecord(canonicalEntry: data, province: metadata.province)
                } catch {
                    throw LedgerStoreError.corrupt("entry \(index) is not a canonical change record of \(metadata.province): \(error)", index: index)
                }
                guard record.changeID == row["change_id"] as String else {
                    throw LedgerStoreError.corrupt("entry \(index) has change id \(record.changeID) but is filed under \(row["change_id"] as String)", index: index)
                }
                // State: the key's row must point at this entry or a later one; if at this one, it
                // must hold this entry's content.
                guard let state = try Row.fetchOne(stateLookup, arguments: [record.category, record.id]) else {
                    throw LedgerStoreError.corrupt("the state has no item for entry \(index) (\(record.category)/\(record.id))", index: index)
                }
                let lastIndex = UInt64(state["last_index"] as Int64)
                guard lastIndex >= index else {
                    throw LedgerStoreError.corrupt("the state item \(record.category)/\(record.id) points at entry \(lastIndex), older than entry \(index)", index: index)
                }
                if lastIndex == index {
                    latestIndexes += 1
                    guard [UInt8](state["content_hash"] as Data) == suite.contentHash(record.contentBytes).bytes,
                          (state["revoked"] as Int64 == 1) == (record.operation == .revoke)
                    else {
                        throw LedgerStoreError.corrupt("the state item \(record.category)/\(record.id) does not match entry \(index)", index: index)
                    }
                }
                // Tree: every recomputed bottom-row node must equal the stored tile hash.
                var completed: [(level: Int, index: UInt64, hash: Hash)] = []
                frontier.append(hasher.leafHash(data), hasher: hasher) { level, nodeIndex, hash in
                    if level % TileLayout.height == 0 { completed.append((level, nodeIndex, hash)) }
                }
                for node in completed {
                    let tileLevel = node.level / TileLayout.height
                    let tileIndex = node.index / UInt64(TileLayout.width)
                    if bottomRows[tileLevel]?.index != tileIndex {
                        bottomRows[tileLevel] = (tileIndex, try TileReader.tile(TileKey(level: tileLevel, index: tileIndex), in: db) ?? [])
                    }
                    let stored = bottomRows[tileLevel]!.hashes
                    let offset = Int(node.index % UInt64(TileLayout.width))
                    guard offset < stored.count, stored[offset] == node.hash else {
                        let first = node.index << UInt64(node.level)
                        throw LedgerStoreError.corrupt(
                            node.level == 0
                                ? "entry \(index) does not match its stored leaf hash (changed, swapped or replaced)"
                                : "the stored tree hash over entries \(first)..<\(first + (1 << UInt64(node.level))) does not match them",
                            index: node.level == 0 ? index : first)
                    }
                }
                // Checkpoints: the recomputed root at each checkpointed size.
                while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size == frontier.size {
                    guard frontier.root(hasher: hasher) == checkpoints[nextCheckpoint].root else {
                        throw LedgerStoreError.corrupt(
                            "the entries do not produce the signed root of checkpoint \(frontier.size); the first bad entry is in \(lastVerifiedSize)..<\(frontier.size)",
                            index: lastVerifiedSize)
                    }
                    lastVerifiedSize = frontier.size
                    nextCheckpoint += 1
                }
            }
            let size = frontier.size
            if metadata.role == .province {
                guard size == latestSize else {
                    throw LedgerStoreError.corrupt("the log has \(size) entries but its latest checkpoint covers \(latestSize)", index: size)
                }
            } else if nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].size < size {
                throw LedgerStoreError.corrupt("checkpoint \(checkpoints[nextCheckpoint].size) was not reached", index: size)
            }
            let stateItems = try Int.fetchOne(db, sql: "SELECT count(*) FROM state") ?? 0
            guard stateItems == latestIndexes else {
                throw LedgerStoreError.corrupt("the state holds \(stateItems) items but the log implies \(latestIndexes)", index: size)
            }
            // No stored tile beyond what the tree has, and no partial tile longer than it should be.
            let tiles = try Row.fetchAll(db, sql: "SELECT level, idx, length(hashes) / 32 AS count FROM tile")
            for tile in tiles {
                let level = tile["level"] as Int
                let expectedNodes = level * TileLayout.height < 64 ? size >> UInt64(level * TileLayout.height) : 0
                let start = UInt64(tile["idx"] as Int64) * UInt64(TileLayout.width)
                let count = UInt64(tile["count"] as Int)
                guard start + count <= expectedNodes else {
                    throw LedgerStoreError.corrupt("stored tile \(level)/\(start / UInt64(TileLayout.width)) reaches beyond the log's \(size) entries", index: size)
                }
            }
            let latest = try String.fetchOne(db, sql: "SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1")
            return VerificationReport(entries: size, checkpoints: checkpoints.count, stateItems: stateItems, tiles: tiles.count,
                                      latest: try latest.map { try Checkpoint.parse(body: SignedNote.parse($0).text) })
        }
    }
}
