import Foundation
import GRDB
import HQStorage
import LedgerCore
import LedgerStore

/// One page of a state query (`category, id, index, data` in key order), read through a cursor
/// by column position with each blob copied once (`Row.fetchAll` with column names copied every
/// blob twice and looked each name up case-insensitively).
enum SQLiteStatePage {
    static func fetch(_ db: Database, sql: String, arguments: StatementArguments, limit: Int) throws -> [StateEntry] {
        let statement = try db.cachedStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var entries: [StateEntry] = []
        entries.reserveCapacity(limit)
        while let row = try rows.next() {
            let data = try row.withUnsafeData(atIndex: 3) { data in data.map { [UInt8]($0) } ?? [] }
            entries.append(StateEntry(key: StateKey(category: row[0], id: row[1]), index: try SQLiteInteger.size(row[2]), data: data))
        }
        return entries
    }
}
