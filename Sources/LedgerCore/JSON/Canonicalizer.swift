/// RFC 8785 canonicalization in one pass over the input bytes: parses and writes canonical bytes
/// directly, without building a value tree. Objects keep their members' byte ranges and are
/// rewritten in sorted order when they close. Same validation and errors as `JSONParser`
/// (duplicate keys, invalid UTF-8, lone surrogates, non-finite numbers, nesting); the tests check
/// it against `JSONParser` + `CanonicalJSON.encode` on the vectors and on generated documents.
///
/// This is the ingest hot path: it runs once per change record.
struct Canonicalizer {
    /// A member of the top-level object: its unescaped key and where its canonical value lies.
    struct Member {
        var key: [UInt8]
        var value: Range<Int>
    }

    private let input: UnsafeBufferPointer<UInt8>
    private var position = 0
    private(set) var output: [UInt8] = []
    /// Sorted members of the top-level value, when it is an object.
    private(set) var topLevelMembers: [Member] = []

    private init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        output.reserveCapacity(input.count + 16)
    }

    /// Canonical bytes of `bytes`, and the top-level object's members (sorted) if it is one.
    static func canonicalize(_ bytes: UnsafeBufferPointer<UInt8>) throws(LedgerCoreError) -> (bytes: [UInt8], members: [Member]) {
        var canonicalizer = Canonicalizer(bytes)
        canonicalizer.skipWhitespace()
        try canonicalizer.value(depth: 0)
        canonicalizer.skipWhitespace()
        guard canonicalizer.position == bytes.count else { throw canonicalizer.error("unexpected data after the JSON value") }
        return (canonicalizer.output, canonicalizer.topLevelMembers)
    }

    private func error(_ what: String, code: LedgerCoreError.Code = .malformedJSON) -> LedgerCoreError {
        LedgerCoreError(code, "invalid JSON at byte \(position): \(what)")
    }

    private mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(LedgerCoreError) {
        guard position < input.count else { throw error("unexpected end of input") }
        switch input[position] {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): try string(unescapedInto: nil)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw error("unexpected character")
        }
    }

    private mutating func literal(_ text: StaticString) throws(LedgerCoreError) {
        let count = text.utf8CodeUnitCount
        guard position + count <= input.count else { throw error("unexpected end of input") }
        for i in 0..<count where input[position + i] != text.utf8Start[i] { throw error("invalid literal") }
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: count))
        position += count
    }

    private mutating func array(depth: Int) throws(LedgerCoreError) {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)", code: .nestingTooDeep) }
        position += 1
        output.append(UInt8(ascii: "["))
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
            output.append(UInt8(ascii: "]"))
            return
        }
        while true {
            skipWhitespace()
            try value(depth: depth)
            skipWhitespace()
            guard position < input.count else { throw error("unexpected end of input in array") }
            if input[position] == UInt8(ascii: ",") {
                position += 1
                output.append(UInt8(ascii: ","))
                continue
            }
            guard input[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
            position += 1
            output.append(UInt8(ascii: "]"))
            return
        }
    }

    /// Writes members as `key:value` as they come, then rewrites them in RFC 8785 order.
    private mutating func object(depth: Int) throws(LedgerCoreError) {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)", code: .nestingTooDeep) }
        position += 1
        output.append(UInt8(ascii: "{"))
        let start = output.count
        var members: [(key: [UInt8], keyPosition: Int, range: Range<Int>, valueStart: Int)] = []
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
            output.append(UInt8(ascii: "}"))
            if depth == 1 { topLevelMembers = [] }
            return
        }
        while true {
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyPosition = position
            let memberStart = output.count
            var key: [UInt8] = []
            try string(unescapedInto: &key)
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            output.append(UInt8(ascii: ":"))
            let valueStart = output.count
            skipWhitespace()
            try value(depth: depth)
            members.append((key, keyPosition, memberStart..<output.count, valueStart))
            skipWhitespace()
            guard position < input.count else { throw error("unexpected end of input in object") }
            if input[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard input[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
            position += 1
            break
        }
        let order = members.indices.sorted { Self.utf16Precedes(members[$0].key, members[$1].key) }
        for i in order.indices.dropFirst() where members[order[i]].key == members[order[i - 1]].key {
            position = Swift.max(members[order[i]].keyPosition, members[order[i - 1]].keyPosition)
            throw error("duplicate key \"\(String(decoding: members[order[i]].key, as: UTF8.self))\"", code: .duplicateKey)
        }
        // Rewrite [start, end) in sorted order, separated by commas.
        let written = Array(output[start...])
        output.removeSubrange(start...)
        var top: [Member] = []
        for (n, index) in order.enumerated() {
            if n > 0 { output.append(UInt8(ascii: ",")) }
            let member = members[index]
            let memberStart = output.count
            output.append(contentsOf: written[(member.range.lowerBound - start)..<(member.range.upperBound - start)])
            if depth == 1 {
                let valueOffset = member.valueStart - member.range.lowerBound
                top.append(Member(key: member.key, value: (memberStart + valueOffset)..<output.count))
            }
        }
        output.append(UInt8(ascii: "}"))
        if depth == 1 { topLevelMembers = top }
    }

    /// RFC 8785 order on unescaped UTF-8 keys (see `CanonicalJSON.utf16Precedes`).
    static func utf16Precedes(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        let count = Swift.min(x.count, y.count)
        var i = 0
        while i < count, x[i] == y[i] { i += 1 }
        guard i < count else { return x.count < y.count }
        let (p, q) = (x[i], y[i])
        if p >= 0xF0, q == 0xEE || q == 0xEF { return true }
        if q >= 0xF0, p == 0xEE || p == 0xEF { return false }
        return p < q
    }

    /// Parses a string at `position` and writes its canonical form (with quotes); when `key` is
    /// given, also collects the unescaped UTF-8 bytes there.
    private mutating func string(unescapedInto key: UnsafeMutablePointer<[UInt8]>?) throws(LedgerCoreError) {
        position += 1
        output.append(UInt8(ascii: "\""))
        while position < input.count {
            // Copy the longest run of bytes that need no attention: printable ASCII other than
            // quote and backslash, and valid multi-byte UTF-8 (most of a Chinese record).
            let runStart = position
            while position < input.count {
                let byte = input[position]
                if byte >= 0x80 {
                    try skipUTF8Sequence()
                    continue
                }
                if byte < 0x20 || byte == 0x22 || byte == 0x5C { break }
                position += 1
            }
            if position > runStart {
                let run = UnsafeBufferPointer(rebasing: input[runStart..<position])
                output.append(contentsOf: run)
                key?.pointee.append(contentsOf: run)
            }
            guard position < input.count else { break }
            let byte = input[position]
            switch byte {
            case 0x22:
                position += 1
                output.append(UInt8(ascii: "\""))
                return
            case 0x5C:
                try escape(key)
            default:
                throw error("control character in string")
            }
        }
        throw error("unterminated string")
    }

    private mutating func escape(_ key: UnsafeMutablePointer<[UInt8]>?) throws(LedgerCoreError) {
        position += 1
        guard position < input.count else { throw error("unterminated escape") }
        let byte = input[position]
        position += 1
        var scalar: UInt32
        switch byte {
        case UInt8(ascii: "\""): scalar = 0x22
        case UInt8(ascii: "\\"): scalar = 0x5C
        case UInt8(ascii: "/"): scalar = 0x2F
        case UInt8(ascii: "b"): scalar = 0x08
        case UInt8(ascii: "f"): scalar = 0x0C
        case UInt8(ascii: "n"): scalar = 0x0A
        case UInt8(ascii: "r"): scalar = 0x0D
        case UInt8(ascii: "t"): scalar = 0x09
        case UInt8(ascii: "u"):
            scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u") else {
                    throw error("lone high surrogate", code: .loneSurrogate)
                }
                position += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("high surrogate not followed by a low surrogate", code: .loneSurrogate) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("lone low surrogate", code: .loneSurrogate)
            }
        default:
            position -= 1
            throw error("invalid escape")
        }
        var utf8: [UInt8] = []
        Self.appendUTF8(scalar, to: &utf8)
        key?.pointee.append(contentsOf: utf8)
        // Canonical form of the character.
        switch scalar {
        case 0x22: output.append(0x5C); output.append(0x22)
        case 0x5C: output.append(0x5C); output.append(0x5C)
        case 0x08: output.append(0x5C); output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(0x5C); output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(0x5C); output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(0x5C); output.append(UInt8(ascii: "r"))
        case 0x09: output.append(0x5C); output.append(UInt8(ascii: "t"))
        case 0..<0x20:
            output.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            output.append(CanonicalJSON.hexDigits[Int(scalar >> 4)])
            output.append(CanonicalJSON.hexDigits[Int(scalar & 0x0F)])
        default: output.append(contentsOf: utf8)
        }
    }

    private mutating func hex4() throws(LedgerCoreError) -> UInt32 {
        guard position + 4 <= input.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = input[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

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

    /// RFC 3629 validation of one multi-byte sequence (as `JSONParser` does).
    private mutating func skipUTF8Sequence() throws(LedgerCoreError) {
        let lead = input[position]
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
        default: throw error("invalid UTF-8 lead byte", code: .invalidUTF8)
        }
        guard position + length <= input.count else { throw error("truncated UTF-8 sequence", code: .invalidUTF8) }
        let second = input[position + 1]
        guard second >= lowerBound, second <= upperBound else { throw error("invalid UTF-8 sequence", code: .invalidUTF8) }
        for i in 2..<length where input[position + i] & 0xC0 != 0x80 {
            throw error("invalid UTF-8 continuation byte", code: .invalidUTF8)
        }
        position += length
    }

    private mutating func number() throws(LedgerCoreError) {
        let start = position
        var negative = false
        if input[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < input.count else { throw error("truncated number") }
        var integerDigits = 0
        if input[position] == UInt8(ascii: "0") {
            position += 1
            integerDigits = 1
        } else if isDigit(input[position]) {
            while position < input.count, isDigit(input[position]) {
                position += 1
                integerDigits += 1
            }
        } else {
            throw error("invalid number")
        }
        var plainInteger = true
        if position < input.count, input[position] == UInt8(ascii: ".") {
            plainInteger = false
            position += 1
            guard position < input.count, isDigit(input[position]) else { throw error("digit expected after '.'") }
            while position < input.count, isDigit(input[position]) { position += 1 }
        }
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            plainInteger = false
            position += 1
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") { position += 1 }
            guard position < input.count, isDigit(input[position]) else { throw error("digit expected in exponent") }
            while position < input.count, isDigit(input[position]) { position += 1 }
        }
        // Integers of up to 15 digits are exact doubles and already canonical (JSON has no
        // leading zeros); only -0 changes.
        if plainInteger, integerDigits <= 15 {
            if negative, integerDigits == 1, input[start + 1] == UInt8(ascii: "0") {
                output.append(UInt8(ascii: "0"))
            } else {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
            }
            return
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            position = start
            throw error("number \(text) is not a finite IEEE 754 double", code: .nonFiniteNumber)
        }
        output.append(contentsOf: ECMAScriptNumber.format(value).utf8)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
