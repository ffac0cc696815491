/// Byte-level pieces the JSON parser and the canonicalizer share: RFC 3629 validation of a
/// multi-byte UTF-8 sequence, and RFC 8785's escaped form of a character that needs escaping.
enum JSONText {
    /// Why a multi-byte sequence is not valid UTF-8.
    struct InvalidUTF8: Error {
        let message: String
    }

    /// The length of the valid multi-byte UTF-8 sequence at `position` (RFC 3629: no overlongs,
    /// no encoded surrogates, nothing above U+10FFFF).
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) throws(InvalidUTF8) -> Int {
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
        default: throw InvalidUTF8(message: "invalid UTF-8 lead byte 0x\(String(lead, radix: 16))")
        }
        guard position + length <= bytes.count else { throw InvalidUTF8(message: "truncated UTF-8 sequence") }
        let second = bytes[position + 1]
        guard second >= lowerBound, second <= upperBound else { throw InvalidUTF8(message: "invalid UTF-8 sequence") }
        for i in 2..<length where bytes[position + i] & 0xC0 != 0x80 {
            throw InvalidUTF8(message: "invalid UTF-8 continuation byte")
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
