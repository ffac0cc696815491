public import GRDB
import GRDBSQLite

/// Binds and steps a prepared GRDB statement through SQLite's C API, for the per-entry hot path:
/// GRDB's `StatementArguments` box every value and its blobs copy into `Data`, which costs more
/// than the insert itself at 10^5 rows/s. Values are bound without copying while the step runs.
public struct RawStatement {
    let statement: Statement
    let db: Database

    public init(_ db: Database, sql: String) throws {
        self.db = db
        self.statement = try db.cachedStatement(sql: sql)
    }

    public enum Value {
        case integer(Int64)
        case text(String)
        /// UTF-8 bytes the caller keeps alive until `run` returns.
        case textBytes(UnsafeRawBufferPointer)
        case blob(UnsafeRawBufferPointer)
    }

    /// Runs the statement once with `values`; returns the number of rows it changed.
    @discardableResult
    public func run(_ values: Value...) throws -> Int {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number):
                status = sqlite3_bind_int64(handle, index, number)
            case .text(let text):
                status = text.utf8.withContiguousStorageIfAvailable { bytes in
                    sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                      Int32(bytes.count), sqliteTransient)
                } ?? sqlite3_bind_text(handle, index, text, -1, sqliteTransient)
            case .textBytes(let bytes):
                // SQLITE_STATIC, as for blobs below. An empty buffer may have no address, which
                // SQLite would bind as NULL rather than as the empty string.
                if let address = bytes.baseAddress, !bytes.isEmpty {
                    status = sqlite3_bind_text(handle, index, address.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
                } else {
                    status = sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                }
            case .blob(let bytes):
                // SQLITE_STATIC: the caller keeps the buffer alive until this function returns.
                status = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), nil)
            }
            guard status == SQLITE_OK else { throw error(status) }
        }
        let status = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard status == SQLITE_DONE else { throw error(status) }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    private func error(_ status: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
    }
}

/// SQLITE_TRANSIENT: SQLite copies the value before the call returns.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
