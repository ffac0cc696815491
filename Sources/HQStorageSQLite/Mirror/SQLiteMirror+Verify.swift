import Foundation
import GRDB
import HQStorage
import LedgerCore
import LedgerStore

extension SQLiteMirror {
    /// `fsck` with the shared `LogVerifier`, plus the mirror's own columns: each entry's
    /// category and id as its record says, each repeated change_id recorded.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        let suite = suite
        let province = province
        let origin = origin
        return try await pool.read { db in
            do {
                let checkpoints = try StoredCheckpoint.verified(
                    try Row.fetchAll(db, sql: "SELECT size, root, note, stored_at FROM checkpoint ORDER BY size").map(Self.storedCheckpoint),
                    keys: keys, suite: suite, origin: origin, noun: "checkpoint")
                var verifier = try LogVerifier(suite: suite, province: province, role: .mirror, checkpoints: checkpoints)
                let firstOfChange = try db.makeStatement(sql: "SELECT idx FROM entry WHERE change_id = ? ORDER BY idx LIMIT 1")
                let duplicateRow = try db.makeStatement(sql: "SELECT first_idx FROM duplicate_change WHERE idx = ?")
                let cursor = try Row.fetchCursor(db, sql: "SELECT idx, change_id, category, id, data FROM entry ORDER BY idx")
                while let row = try cursor.next() {
                    let index = try SQLiteInteger.size(row["idx"])
                    let record = try verifier.check(index: index, changeID: row["change_id"], data: [UInt8](row["data"] as Data), state: nil,
                                                    tile: { key in try TileStorage.blob(key, in: db) })
                    guard record.category == row["category"] as String, record.id == row["id"] as String else {
                        throw VerificationFailure("entry \(index) is filed under another record than its own (\(record.category)/\(record.id))", index: index)
                    }
                    let first = try Int64.fetchOne(firstOfChange, arguments: [record.changeID]).map { UInt64($0) } ?? index
                    let recorded = try Int64.fetchOne(duplicateRow, arguments: [Int64(index)]).map { UInt64($0) }
                    guard recorded == (first < index ? first : nil) else {
                        throw VerificationFailure("the record of repeated change ids disagrees with entry \(index) (\(record.changeID))", index: index)
                    }
                }
                return try verifier.finish(stateItems: nil, storedTiles: try TileStorage.all(in: db))
            } catch let failure as VerificationFailure {
                throw HQStorageError.corrupt(failure, province: province)
            }
        }
    }
}
