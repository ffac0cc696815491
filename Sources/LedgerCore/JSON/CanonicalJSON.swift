/// RFC 8785 JSON Canonicalization Scheme (JCS) serialization.
///
/// Hand-written: no Swift package implements JCS. Objects are sorted by the UTF-16 code units
/// of their keys, strings use the minimal escapes of ECMAScript's `JSON.stringify`, and numbers
/// are formatted as ECMAScript's `Number.prototype.toString`.
public enum CanonicalJSON {
    /// Parses any JSON text and returns its canonical UTF-8 bytes.
    public static func canonicalize(_ bytes: some Collection<UInt8>) throws(LedgerCoreError) -> [UInt8] {
        encode(try JSONParser.parse(bytes))
    }

    /// The canonical UTF-8 bytes of `value`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        append(value, to: &output)
        return output
    }

    public static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): output.append(contentsOf: ECMAScriptNumber.format(n).utf8)
        case .string(let s): appendString(s, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (i, member) in sortedMembers(members).enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Members in RFC 8785 order: by the UTF-16 code units of the keys.
    static func sortedMembers(_ members: [JSONValue.Member]) -> [JSONValue.Member] {
        if members.count < 2 { return members }
        // ASCII keys (the common case) sort the same by bytes as by UTF-16 units.
        if members.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } }) {
            return members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        return members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case 0x22: output.append(0x5C); output.append(0x22)
            case 0x5C: output.append(0x5C); output.append(0x5C)
            case 0x08: output.append(0x5C); output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(0x5C); output.append(UInt8(ascii: "f"))
            case 0x0A: output.append(0x5C); output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(0x5C); output.append(UInt8(ascii: "r"))
            case 0x09: output.append(0x5C); output.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
