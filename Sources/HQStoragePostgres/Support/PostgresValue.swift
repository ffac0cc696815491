import Foundation
import HQStorage
import LedgerCore
public import NIOCore

/// Checked conversions between log sizes (UInt64) and `bigint`, and between hashes and `bytea`.
enum PGValue {
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

/// Fields of COPY's text format: tabs separate, a newline ends a row, and backslash, tab, newline
/// and carriage return inside a value are escaped.
public struct CopyRows: Sendable {
    public private(set) var buffer = ByteBuffer()

    public init(capacity: Int) {
        buffer.reserveCapacity(capacity)
    }

    public mutating func field(_ bytes: some Collection<UInt8>, last: Bool = false) {
        // Runs without a byte to escape go in one copy: canonical JSON has almost none.
        var rest = bytes[...]
        while let special = rest.firstIndex(where: { $0 == UInt8(ascii: "\\") || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            buffer.writeBytes(rest[..<special])
            switch rest[special] {
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeStaticString("\\\\")
            }
            rest = rest[rest.index(after: special)...]
        }
        buffer.writeBytes(rest)
        buffer.writeInteger(last ? UInt8(0x0A) : UInt8(0x09))
    }

    public mutating func field(_ text: String, last: Bool = false) { field(text.utf8, last: last) }
    public mutating func field(_ number: Int64, last: Bool = false) { field(String(number).utf8, last: last) }

    public var readableBytes: Int { buffer.readableBytes }

    public mutating func take() -> ByteBuffer {
        defer { buffer.clear() }
        return buffer
    }
}

import Logging
import PostgresNIO

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
