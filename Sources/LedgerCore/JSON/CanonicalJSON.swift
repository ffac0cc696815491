/// RFC 8785 JSON Canonicalization Scheme (JCS) serialization.
///
/// Hand-written: no Swift package implements JCS. Objects are sorted by the UTF-16 code units
/// of their keys, strings use the minimal escapes of ECMAScript's `JSON.stringify`, and numbers
/// are formatted as ECMAScript's `Number.prototype.toString`.
public enum CanonicalJSON {
    /// Parses any JSON text and returns its canonical UTF-8 bytes (single pass, no value tree).
    public static func canonicalize(_ bytes: [UInt8]) throws(LedgerCoreError) -> [UInt8] {
        try canonicalizeWithMembers(bytes).bytes
    }

    /// Canonical bytes, and the top-level object's members in canonical order (empty otherwise).
    static func canonicalizeWithMembers(_ bytes: [UInt8]) throws(LedgerCoreError) -> (bytes: [UInt8], members: [Canonicalizer.Member]) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(LedgerCoreError) in try Canonicalizer.canonicalize(buffer) }
        }
        return try result.get()
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
        members.count < 2 ? members : members.sorted { utf16Precedes($0.key, $1.key) }
    }

    /// UTF-16 code-unit order computed on UTF-8 bytes: byte order agrees with it except that
    /// supplementary characters (lead byte F0–F4, UTF-16 surrogates D800–DBFF) sort before
    /// U+E000–U+FFFF (lead byte EE–EF).
    static func utf16Precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let count = Swift.min(x.count, y.count)
                var i = 0
                while i < count, x[i] == y[i] { i += 1 }
                guard i < count else { return x.count < y.count }
                let (p, q) = (x[i], y[i])
                if p >= 0xF0, q == 0xEE || q == 0xEF { return true }
                if q >= 0xF0, p == 0xEE || p == 0xEF { return false }
                return p < q
            }
        }
    }

    static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Most strings need no escaping: copy them whole.
            guard bytes.contains(where: { JSONText.needsEscape(UInt32($0)) }) else {
                output.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                if JSONText.needsEscape(UInt32(byte)) {
                    JSONText.appendEscape(UInt32(byte), to: &output)
                } else {
                    output.append(byte)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
