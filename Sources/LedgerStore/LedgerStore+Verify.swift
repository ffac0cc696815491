import Foundation
import GRDB
import LedgerCore

extension LedgerStore {
    public typealias VerificationReport = LogVerifier.Report

    /// Recomputes everything from the entries, like `fsck` (the shared `LogVerifier`): every
    /// checkpoint's signature verifies with the key valid at its size, and its stored columns
    /// agree with its note; then the verifier's checks over entries, tiles and the state table.
    /// Throws `store.corrupt` naming the first bad index.
    ///
    /// Runs in one read transaction; memory stays flat in the size of the log.
    public func verify() async throws -> VerificationReport {
        let suite = suite
        let metadata = metadata
        return try await pool.read { db in
            do {
                let keys = try Self.keyHistory(db, suite: suite)
                var checkpoints: [Checkpoint] = []
                for row in try Row.fetchAll(db, sql: "SELECT size, root, note FROM checkpoint ORDER BY size") {
                    let size = try SQLiteInteger.size(row["size"])
                    let checkpoint: VerifiedCheckpoint
                    do {
                        checkpoint = try keys.verify(UnverifiedCheckpoint(parsing: row["note"]), suite: suite.id)
                    } catch {
                        throw VerificationFailure("the checkpoint of size \(size) does not verify: \(error)", index: size == 0 ? 0 : size - 1)
                    }
                    guard checkpoint.size == size, checkpoint.root.bytes == [UInt8](row["root"] as Data), checkpoint.checkpoint.origin == metadata.origin else {
                        throw VerificationFailure("the stored columns of checkpoint \(size) disagree with its signed note", index: size == 0 ? 0 : size - 1)
                    }
                    checkpoints.append(checkpoint.checkpoint)
                }
                var verifier = try LogVerifier(suite: suite, province: metadata.province, role: .province, checkpoints: checkpoints)
                let stateLookup = try db.makeStatement(sql: "SELECT content_hash, last_index, revoked FROM state WHERE category = ? AND id = ?")
                let cursor = try Row.fetchCursor(db, sql: "SELECT idx, change_id, data FROM entry ORDER BY idx")
                while let row = try cursor.next() {
                    try verifier.check(
                        index: try SQLiteInteger.size(row["idx"]), changeID: row["change_id"], data: [UInt8](row["data"] as Data),
                        state: { category, id in
                            try Row.fetchOne(stateLookup, arguments: [category, id]).map {
                                LogVerifier.StoredState(contentHash: Hash($0["content_hash"] as Data), lastIndex: try SQLiteInteger.size($0["last_index"]),
                                                        revoked: $0["revoked"] as Int64 == 1)
                            }
                        },
                        tile: { key in try TileStorage.blob(key, in: db) })
                }
                return try verifier.finish(stateItems: try Int.fetchOne(db, sql: "SELECT count(*) FROM state") ?? 0,
                                           storedTiles: try TileStorage.all(in: db))
            } catch let failure as VerificationFailure {
                throw LedgerStoreError.corrupt(failure.message, index: failure.index)
            }
        }
    }
}
