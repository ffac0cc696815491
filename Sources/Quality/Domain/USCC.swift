/// The Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters whose last is a
/// check character over the first 17, and whose positions 9–17 are an organization code (GB 11714)
/// with its own check character. See `shared/domain/uscc.md`.
public enum USCC {
    /// The 31-character set of the code and its final check (no I, O, Z, S, V).
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let organizationWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// The outcome of checking a code. Malformed codes and wrong check characters are reported
    /// (conformance, accuracy), never silently fixed.
    public enum Verdict: Equatable, Sendable {
        case valid
        /// Not 18 characters of the code's character set (or a non-digit division code).
        case malformed(String)
        /// The final (position 18) check character is wrong; `expected` is the right one.
        case wrongCheckCharacter(expected: Character)
        /// The organization code check (position 17) is wrong.
        case wrongOrganizationCheck(expected: Character)
    }

    /// Value of each ASCII byte in `alphabet`, or -1.
    static let asciiValues: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in alphabet.enumerated() { table[Int(character.asciiValue!)] = Int8(value) }
        return table
    }()

    public static func check(_ code: String) -> Verdict {
        if let verdict = checkASCII(code.utf8) { return verdict }
        let characters = Array(code)
        guard characters.count == 18 else { return .malformed("a USCC has 18 characters, this has \(characters.count)") }
        var values: [Int] = []
        for (position, character) in characters.enumerated() {
            guard let value = alphabet.firstIndex(of: character) else {
                return .malformed("character \(position + 1) \"\(character)\" is not in the USCC character set")
            }
            values.append(value)
        }
        guard characters[2..<8].allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .malformed("positions 3–8 must be a six-digit division code")
        }
        let expectedOrganization = organizationCheckCharacter(Array(characters[8..<16]))
        if let expectedOrganization, expectedOrganization != characters[16] {
            return .wrongOrganizationCheck(expected: expectedOrganization)
        }
        let expected = checkCharacter(values.prefix(17))
        guard expected == characters[17] else { return .wrongCheckCharacter(expected: expected) }
        return .valid
    }

    /// The verdict for an 18-byte code of the character set with a digit division code, without
    /// allocating; nil otherwise (the general path then explains what is malformed).
    static func checkASCII(_ utf8: String.UTF8View) -> Verdict? {
        guard utf8.count == 18 else { return nil }
        var sum = 0
        var organizationSum = 0
        var position = 0
        var organizationCheck: UInt8 = 0
        for byte in utf8 {
            guard byte < 0x80 else { return nil }
            let value = Int(asciiValues[Int(byte)])
            guard value >= 0 else { return nil }
            if position >= 2 && position < 8 && value > 9 { return nil }
            if position >= 8 && position < 16 {
                // GB 11714 values: digits 0–9, letters A=10 … Z=35.
                let organizationValue = byte <= 0x39 ? Int(byte - 0x30) : Int(byte - 0x41) + 10
                organizationSum += organizationValue * organizationWeights[position - 8]
            }
            if position == 16 { organizationCheck = byte }
            if position < 17 {
                sum += value * weights[position]
            } else {
                let expectedOrganization: Character = switch 11 - organizationSum % 11 {
                case 10: "X"
                case 11: "0"
                case let c: Character(Unicode.Scalar(UInt8(0x30 + c)))
                }
                guard expectedOrganization.asciiValue == organizationCheck else { return .wrongOrganizationCheck(expected: expectedOrganization) }
                let expected = alphabet[(31 - sum % 31) % 31]
                return expected.asciiValue == byte ? .valid : .wrongCheckCharacter(expected: expected)
            }
            position += 1
        }
        return nil
    }

    /// The position-18 check character over the values of positions 1–17.
    static func checkCharacter(_ values: ArraySlice<Int>) -> Character {
        var sum = 0
        for (value, weight) in zip(values, weights) { sum += value * weight }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// The check character completing a 17-character prefix (all in the character set).
    public static func checkCharacter(forPrefix prefix: String) -> Character? {
        let values = prefix.map { alphabet.firstIndex(of: $0) }
        guard values.count == 17, values.allSatisfy({ $0 != nil }) else { return nil }
        return checkCharacter(values.map { $0! }[...])
    }

    /// The GB 11714 check character over 8 body characters (digits 0–9, letters A=10 … Z=35).
    public static func organizationCheckCharacter(_ body: [Character]) -> Character? {
        guard body.count == 8 else { return nil }
        var sum = 0
        for (character, weight) in zip(body, organizationWeights) {
            guard let ascii = character.asciiValue else { return nil }
            let value: Int
            switch ascii {
            case 0x30...0x39: value = Int(ascii - 0x30)
            case 0x41...0x5A: value = Int(ascii - 0x41) + 10
            default: return nil
            }
            sum += value * weight
        }
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let c: return Character(String(c))
        }
    }
}
