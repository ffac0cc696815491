import Foundation
import HQStorage
import LedgerCore
import NIOCore

/// Fields of COPY's text format: tabs separate, a newline ends a row, and backslash, tab, newline
/// and carriage return inside a value are escaped.
struct CopyRows: Sendable {
    private(set) var buffer = ByteBuffer()

    init(capacity: Int) {
        buffer.reserveCapacity(capacity)
    }

    mutating func field(_ bytes: some Collection<UInt8>, last: Bool = false) {
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

    mutating func field(_ text: String, last: Bool = false) { field(text.utf8, last: last) }
    mutating func field(_ number: Int64, last: Bool = false) { field(String(number).utf8, last: last) }

    var readableBytes: Int { buffer.readableBytes }

    mutating func take() -> ByteBuffer {
        defer { buffer.clear() }
        return buffer
    }
}

import Logging
import PostgresNIO
