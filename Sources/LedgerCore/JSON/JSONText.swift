/// Byte-level pieces the JSON parser and the canonicalizer share: the RFC 8259 number grammar,
/// string escapes (surrogate pairs included), RFC 3629 validation and encoding of UTF-8, and
/// RFC 8785's escaped form of a character that needs escaping.
enum JSONText {
    /// What is wrong at the input position the failing function left behind; the callers add
    /// that position to the message.
    struct Invalid: Error {
        let message: String
        var code: LedgerCoreError.Code = .malformedJSON
    }

    /// Scans the number at `position` (RFC 8259 grammar) and moves past it. Reports whether it
    /// is a plain integer (no fraction, no exponent) and how many integer digits it has.
    static func scanNumber(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) throws(Invalid) -> (plainInteger: Bool, integerDigits: Int) {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw Invalid(message: "truncated number") }
        var integerDigits = 0
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            integerDigits = 1
        } else if isDigit(bytes[position]) {
            while position < bytes.count, isDigit(bytes[position]) {
                position += 1
                integerDigits += 1
            }
        } else {
            throw Invalid(message: "invalid number")
        }
        var plainInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            plainInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw Invalid(message: "digit expected after '.'") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            plainInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw Invalid(message: "digit expected in exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return (plainInteger, integerDigits)
    }

    /// Decodes the escape at `position` (its backslash) and moves past it; returns the Unicode
    /// scalar it stands for. A surrogate pair is one escape; a lone surrogate is an error.
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) throws(Invalid) -> UInt32 {
        position += 1
        guard position < bytes.count else { throw Invalid(message: "unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            let scalar = try hex4(bytes, at: &position)
            if (0xDC00...0xDFFF).contains(scalar) {
                throw Invalid(message: "lone low surrogate \\u\(hexText(scalar))", code: .loneSurrogate)
            }
            guard (0xD800...0xDBFF).contains(scalar) else { return scalar }
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw Invalid(message: "lone high surrogate \\u\(hexText(scalar))", code: .loneSurrogate)
            }
            position += 2
            let low = try hex4(bytes, at: &position)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw Invalid(message: "high surrogate \\u\(hexText(scalar)) not followed by a low surrogate", code: .loneSurrogate)
            }
            return 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        default:
            position -= 1
            throw Invalid(message: "invalid escape")
        }
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) throws(Invalid) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Invalid(message: "truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Invalid(message: "invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private static func hexText(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Appends the UTF-8 encoding of `scalar`.
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// The length of the valid multi-byte UTF-8 sequence at `position` (RFC 3629: no overlongs,
    /// no encoded surrogates, nothing above U+10FFFF).
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) throws(Invalid) -> Int {
        let lead = bytes[position]
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F
        default: throw Invalid(message: "invalid UTF-8 lead byte 0x\(String(lead, radix: 16))", code: .invalidUTF8)
        }
        guard position + length <= bytes.count else { throw Invalid(message: "truncated UTF-8 sequence", code: .invalidUTF8) }
        let second = bytes[position + 1]
        guard second >= lowerBound, second <= upperBound else { throw Invalid(message: "invalid UTF-8 sequence", code: .invalidUTF8) }
        for i in 2..<length where bytes[position + i] & 0xC0 != 0x80 {
            throw Invalid(message: "invalid UTF-8 continuation byte", code: .invalidUTF8)
        }
        return length
    }

    /// Whether RFC 8785 writes `scalar` escaped in a string: quote, backslash, controls.
    static func needsEscape(_ scalar: UInt32) -> Bool {
        scalar < 0x20 || scalar == 0x22 || scalar == 0x5C
    }

    /// Appends the escaped form of a character for which `needsEscape` holds: the two-character
    /// escapes where JSON has one, `\u00XX` (lowercase hex) for the other controls.
    static func appendEscape(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0x22: output.append(0x5C); output.append(0x22)
        case 0x5C: output.append(0x5C); output.append(0x5C)
        case 0x08: output.append(0x5C); output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(0x5C); output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(0x5C); output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(0x5C); output.append(UInt8(ascii: "r"))
        case 0x09: output.append(0x5C); output.append(UInt8(ascii: "t"))
        default:
            precondition(scalar < 0x20, "only quote, backslash and controls are escaped")
            output.append(0x5C)
            output.append(UInt8(ascii: "u"))
            output.append(UInt8(ascii: "0"))
            output.append(UInt8(ascii: "0"))
            output.append(hexDigits[Int(scalar >> 4)])
            output.append(hexDigits[Int(scalar & 0x0F)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
