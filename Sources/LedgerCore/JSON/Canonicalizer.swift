/// RFC 8785 canonicalization in one pass over the input bytes: parses and writes canonical bytes
/// directly, without building a value tree. Objects keep their members' byte ranges and are
/// rewritten in sorted order when they close. Same validation and errors as `JSONParser`
/// (duplicate keys, invalid UTF-8, lone surrogates, non-finite numbers, nesting); the tests check
/// it against `JSONParser` + `CanonicalJSON.encode` on the vectors and on generated documents.
///
/// This is the ingest hot path: it runs once per change record.
struct Canonicalizer {
    /// A member of the top-level object, as ranges of the canonical output: its key's text
    /// (between the quotes; equal to the unescaped key unless that holds a quote, a backslash or
    /// a control character) and its value.
    struct Member {
        var key: Range<Int>
        var value: Range<Int>
    }

    /// A member of an object still open: its unescaped key (in `keys`), where the key started in
    /// the input (for errors), and where the member and its value lie in the output.
    private struct OpenMember {
        var key: Range<Int>
        var keyPosition: Int
        var range: Range<Int>
        var valueStart: Int
    }

    private let input: UnsafeBufferPointer<UInt8>
    private var position = 0
    private(set) var output: [UInt8] = []
    /// Sorted members of the top-level value, when it is an object.
    private(set) var topLevelMembers: [Member] = []
    // Shared by all objects of the document, so that a record costs a few allocations rather than
    // several per member: the unescaped keys, the members of the objects still open (innermost
    // last), and the copy of an object's members while it is rewritten in order.
    private var keys: [UInt8] = []
    private var openMembers: [OpenMember] = []
    private var scratch: [UInt8] = []

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
        case UInt8(ascii: "\""): try string(collectingKey: false)
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
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
            output.append(UInt8(ascii: "}"))
            if depth == 1 { topLevelMembers = [] }
            return
        }
        let base = openMembers.count
        while true {
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyPosition = position
            let memberStart = output.count
            let keyStart = keys.count
            try string(collectingKey: true)
            let key = keyStart..<keys.count
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            output.append(UInt8(ascii: ":"))
            let valueStart = output.count
            skipWhitespace()
            try value(depth: depth)
            openMembers.append(OpenMember(key: key, keyPosition: keyPosition, range: memberStart..<output.count, valueStart: valueStart))
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
        let arena = keys
        openMembers[base...].sort { Self.utf16Precedes(arena[$0.key], arena[$1.key]) }
        for i in (base + 1)..<openMembers.count where arena[openMembers[i].key].elementsEqual(arena[openMembers[i - 1].key]) {
            position = Swift.max(openMembers[i].keyPosition, openMembers[i - 1].keyPosition)
            throw error("duplicate key \"\(String(decoding: arena[openMembers[i].key], as: UTF8.self))\"", code: .duplicateKey)
        }
        // Rewrite [start, end) in sorted order, separated by commas.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: output[start...])
        output.removeSubrange(start...)
        var top: [Member] = []
        if depth == 1 { top.reserveCapacity(openMembers.count - base) }
        for index in base..<openMembers.count {
            if index > base { output.append(UInt8(ascii: ",")) }
            let member = openMembers[index]
            let memberStart = output.count
            output.append(contentsOf: scratch[(member.range.lowerBound - start)..<(member.range.upperBound - start)])
            if depth == 1 {
                let valueStart = memberStart + (member.valueStart - member.range.lowerBound)
                // The key's text runs from after the opening quote to before `":`.
                top.append(Member(key: (memberStart + 1)..<(valueStart - 2), value: valueStart..<output.count))
            }
        }
        openMembers.removeSubrange(base...)
        output.append(UInt8(ascii: "}"))
        if depth == 1 { topLevelMembers = top }
    }

    /// RFC 8785 order on unescaped UTF-8 keys (see `CanonicalJSON.utf16Precedes`).
    static func utf16Precedes(_ x: ArraySlice<UInt8>, _ y: ArraySlice<UInt8>) -> Bool {
        var i = x.startIndex
        var j = y.startIndex
        while i < x.endIndex, j < y.endIndex, x[i] == y[j] {
            i += 1
            j += 1
        }
        guard i < x.endIndex, j < y.endIndex else { return j < y.endIndex }
        let (p, q) = (x[i], y[j])
        if p >= 0xF0, q == 0xEE || q == 0xEF { return true }
        if q >= 0xF0, p == 0xEE || p == 0xEF { return false }
        return p < q
    }

    /// Parses a string at `position` and writes its canonical form (with quotes); with
    /// `collectingKey`, also appends its unescaped UTF-8 bytes to `keys`.
    private mutating func string(collectingKey: Bool) throws(LedgerCoreError) {
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
                if collectingKey { keys.append(contentsOf: run) }
            }
            guard position < input.count else { break }
            let byte = input[position]
            switch byte {
            case 0x22:
                position += 1
                output.append(UInt8(ascii: "\""))
                return
            case 0x5C:
                try escape(collectingKey: collectingKey)
            default:
                throw error("control character in string")
            }
        }
        throw error("unterminated string")
    }

    private mutating func escape(collectingKey: Bool) throws(LedgerCoreError) {
        let scalar: UInt32
        do {
            scalar = try JSONText.unescape(input, at: &position)
        } catch {
            throw self.error(error.message, code: error.code)
        }
        if collectingKey { JSONText.appendUTF8(scalar, to: &keys) }
        // Canonical form of the character.
        if JSONText.needsEscape(scalar) {
            JSONText.appendEscape(scalar, to: &output)
        } else {
            JSONText.appendUTF8(scalar, to: &output)
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `position` and moves past it.
    private mutating func skipUTF8Sequence() throws(LedgerCoreError) {
        do {
            position += try JSONText.sequenceLength(input, at: position)
        } catch {
            throw self.error(error.message, code: error.code)
        }
    }

    private mutating func number() throws(LedgerCoreError) {
        let start = position
        let negative = input[position] == UInt8(ascii: "-")
        let shape: (plainInteger: Bool, integerDigits: Int)
        do {
            shape = try JSONText.scanNumber(input, at: &position)
        } catch {
            throw self.error(error.message, code: error.code)
        }
        let (plainInteger, integerDigits) = shape
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
}
