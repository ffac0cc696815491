import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// Checked conversions between log sizes (UInt64) and `bigint`, and between hashes and `bytea`.
enum PostgresValue {
    static func bigint(_ value: UInt64) throws(HQStorageError) -> Int64 {
        guard let integer = Int64(exactly: value) else {
            throw HQStorageError(.outOfRange, "\(value) is beyond the largest log size a store holds (\(LogLimits.maximumSize))", hint: "sizes are below 2^63")
        }
        return integer
    }

    static func size(_ value: Int64) throws(HQStorageError) -> UInt64 {
        guard value >= 0 else { throw HQStorageError(.corrupt, "a stored size is negative (\(value))", hint: "restore the database from backup") }
        return UInt64(value)
    }

    static func bytes(_ hash: Hash) -> ByteBuffer { ByteBuffer(bytes: hash.bytes) }

    static func hash(_ buffer: ByteBuffer) throws(HQStorageError) -> Hash {
        guard buffer.readableBytes == Hash.byteCount else {
            throw HQStorageError(.corrupt, "a stored hash is \(buffer.readableBytes) bytes", hint: "restore the database from backup")
        }
        return Hash(Array(buffer.readableBytesView))
    }

    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: Double(seconds)) }
    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) }

    /// The advisory lock of a province's uploads: (class "CSUL", the province code).
    static func uploadLock(_ province: String) -> (Int32, Int32) { (0x4353_554C, Int32(province) ?? 0) }
}

extension PostgresConnection {
    /// Runs a statement, reading whatever rows it returns.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresClient {
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresClient {
    /// `withTransaction`, rethrowing the closure's own error (PostgresNIO wraps it, which would
    /// hide a storage refusal behind a database error).
    func transaction<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }
}

extension PostgresConnection {
    func transaction<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }
}
