/// A strict RFC 8259 parser for change records, written by hand because RFC 8785 needs what
/// Foundation's `JSONSerialization` hides: duplicate keys, lone surrogates and invalid UTF-8
/// must be errors, not silently repaired, and numbers must round-trip as IEEE doubles.
public struct JSONParser {
    /// Deepest nesting accepted; change records are shallow, so this only guards the stack.
    public static let maximumDepth = 64

    public static func parse(_ bytes: some Collection<UInt8>) throws(LedgerCoreError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(LedgerCoreError) -> JSONValue in
            var parser = Cursor(buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else {
                throw parser.error("unexpected data after the JSON value")
            }
            return value
        }
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var scratch: [UInt8] = []

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func error(_ what: String, code: LedgerCoreError.Code = .malformedJSON) -> LedgerCoreError {
            LedgerCoreError(code, "invalid JSON at byte \(position): \(what)")
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(LedgerCoreError) -> JSONValue {
            guard position < bytes.count else { throw error("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(LedgerCoreError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw error("unexpected end of input") }
            let start = literal.utf8Start
            for i in 0..<count where bytes[position + i] != start[i] {
                throw error("invalid literal")
            }
            position += count
        }

        mutating func parseObject(depth: Int) throws(LedgerCoreError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)", code: .nestingTooDeep) }
            position += 1
            var members: [JSONValue.Member] = []
            // Change records' objects have up to a dozen members: growing from empty took up
            // to five allocations per object, one for a dozen.
            members.reserveCapacity(12)
            var seen: Set<[UInt8]>? = nil
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyStart = position
                let key = try parseString()
                // Linear scan for small objects, a set once they grow.
                // Keys are compared by their UTF-8 bytes: I-JSON keys that are canonically
                // equivalent Unicode (é and e + U+0301) are distinct, as Swift's `==` would not say.
                if members.count < 16 {
                    for member in members where member.key.hasSameBytes(as: key) {
                        position = keyStart
                        throw error("duplicate key \"\(key)\"", code: .duplicateKey)
                    }
                } else {
                    if seen == nil { seen = Set(members.map { Array($0.key.utf8) }) }
                    guard seen!.insert(Array(key.utf8)).inserted else {
                        position = keyStart
                        throw error("duplicate key \"\(key)\"", code: .duplicateKey)
                    }
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append(.init(key, value))
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input in object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                position += 1
                return .object(members)
            }
        }

        mutating func parseArray(depth: Int) throws(LedgerCoreError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)", code: .nestingTooDeep) }
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input in array") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                position += 1
                return .array(elements)
            }
        }

        /// Parses a string starting at the opening quote. Raw bytes must be valid UTF-8 and
        /// escapes must not produce lone surrogates.
        mutating func parseString() throws(LedgerCoreError) -> String {
            position += 1
            let start = position
            // Fast path: no escapes, ASCII or valid multi-byte UTF-8.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                    position += 1
                    return String(decoding: slice, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in string") }
                if byte < 0x80 {
                    position += 1
                } else {
                    try skipUTF8Sequence()
                }
            }
            // Slow path: copy what we have so far and decode escapes.
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return String(decoding: scratch, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try parseEscape()
                case 0..<0x20:
                    throw error("control character in string")
                case 0..<0x80:
                    scratch.append(byte)
                    position += 1
                default:
                    let sequenceStart = position
                    try skipUTF8Sequence()
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[sequenceStart..<position]))
                }
            }
            throw error("unterminated string")
        }

        mutating func parseEscape() throws(LedgerCoreError) {
            do {
                JSONText.appendUTF8(try JSONText.unescape(bytes, at: &position), to: &scratch)
            } catch {
                throw self.error(error.message, code: error.code)
            }
        }

        /// Validates one multi-byte UTF-8 sequence at `position` and moves past it.
        mutating func skipUTF8Sequence() throws(LedgerCoreError) {
            do {
                position += try JSONText.sequenceLength(bytes, at: position)
            } catch {
                throw self.error(error.message, code: error.code)
            }
        }

        mutating func parseNumber() throws(LedgerCoreError) -> Double {
            let start = position
            do {
                _ = try JSONText.scanNumber(bytes, at: &position)
            } catch {
                throw self.error(error.message, code: error.code)
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                position = start
                throw error("number \(text) is not a finite IEEE 754 double", code: .nonFiniteNumber)
            }
            return value
        }
    }
}
