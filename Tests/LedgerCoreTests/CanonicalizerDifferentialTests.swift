import LedgerCore
import Testing
import TestSupport

/// The single-pass canonicalizer (the ingest hot path) against the tree path
/// (`JSONParser` + `CanonicalJSON.encode`) on generated documents written non-canonically.
@Suite("Canonicalizer agrees with the tree path")
struct CanonicalizerDifferentialTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let alphabet: [String] = ["a", "b", "Z", "0", "_", " ", "é", "长", "€", "😀", "דּ", "\u{E000}", "\u{FFFD}", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{7F}", "\u{2028}"]
    static let numbers: [String] = ["0", "-0", "1", "-17", "123456789012345", "1234567890123456789", "1.5", "-0.0", "1e3", "1E-7", "2.50", "0.000001", "1e21", "333333333.33333329", "4.50e+2"]

    func randomString(_ g: inout Generator) -> String {
        (0..<g.below(6)).map { _ in Self.alphabet[g.below(Self.alphabet.count)] }.joined()
    }

    /// Writes `s` as a JSON string literal, escaping some characters needlessly.
    func literal(_ s: String, _ g: inout Generator) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += g.below(2) == 0 ? "\\n" : "\\u000a"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(format4(scalar.value))
            case _ where scalar.value > 0xFFFF && g.below(2) == 0:
                let v = scalar.value - 0x10000
                out += "\\u" + format4(0xD800 + (v >> 10)) + "\\u" + format4(0xDC00 + (v & 0x3FF))
            case "/" where g.below(2) == 0: out += "\\/"
            case _ where g.below(8) == 0 && scalar.value <= 0xFFFF: out += "\\u" + (g.below(2) == 0 ? format4(scalar.value) : format4(scalar.value).uppercased())
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    func format4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 4 - h.count) + h
    }

    func space(_ g: inout Generator) -> String { [" ", "", "", "\n", "\t", "  ", "\r\n"][g.below(7)] }

    func document(_ g: inout Generator, depth: Int) -> String {
        switch depth > 3 ? g.below(4) : g.below(7) {
        case 0: return ["true", "false", "null"][g.below(3)]
        case 1: return Self.numbers[g.below(Self.numbers.count)]
        case 2, 3: return literal(randomString(&g), &g)
        case 4:
            return "[" + (0..<g.below(4)).map { _ in space(&g) + document(&g, depth: depth + 1) + space(&g) }.joined(separator: ",") + "]"
        default:
            var keys = Set<String>()
            for _ in 0..<g.below(6) { keys.insert(randomString(&g)) }
            return "{" + keys.shuffled(using: &g).map { key in
                space(&g) + literal(key, &g) + space(&g) + ":" + space(&g) + document(&g, depth: depth + 1) + space(&g)
            }.joined(separator: ",") + "}"
        }
    }

    @Test("5,000 generated documents")
    func generated() throws {
        var g = Generator(state: 20261125)
        for _ in 0..<5000 {
            let text = space(&g) + document(&g, depth: 0) + space(&g)
            let fast = try CanonicalJSON.canonicalize(Array(text.utf8))
            let tree = CanonicalJSON.encode(try JSONParser.parse(Array(text.utf8)))
            #expect(fast == tree, "\(text)")
        }
    }

    @Test("both paths reject the same bad inputs with the same codes", arguments: [
        #"{"a":1,"a":2}"#, #"{"a":{"b":1,"\u0062":1}}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":1e400}"#, #"{"a":01}"#,
        #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, #""abc"#, #"{"a":"\q"}"#, #"{"a":tru}"#, "", "   ", #"{"a":-}"#, #"{"a":1.}"#, #"{"a":1e}"#,
    ])
    func sameErrors(input: String) {
        var fastCode: String?
        var treeCode: String?
        do { _ = try CanonicalJSON.canonicalize(Array(input.utf8)) } catch { fastCode = error.code }
        do { _ = try JSONParser.parse(Array(input.utf8)) } catch { treeCode = error.code }
        #expect(fastCode != nil)
        #expect(fastCode == treeCode)
    }
}

extension CanonicalizerDifferentialTests {
    @Test("an input with two faults (found by the fuzzer) is refused by both paths, each naming the fault it meets first")
    func twoFaults() throws {
        let input = try Vectors.data("fuzz/canonicalizer-two-faults.json")
        #expect { try CanonicalJSON.canonicalize(input) } throws: { ($0 as? LedgerCoreError)?.codeValue == .invalidUTF8 }
        #expect { try JSONParser.parse(input) } throws: { ($0 as? LedgerCoreError)?.codeValue == .duplicateKey }
    }
}

extension Array {
    func shuffled(using g: inout CanonicalizerDifferentialTests.Generator) -> [Element] {
        var copy = self
        for i in copy.indices.reversed() where i > 0 { copy.swapAt(i, g.below(i + 1)) }
        return copy
    }
}

extension Set {
    func shuffled(using g: inout CanonicalizerDifferentialTests.Generator) -> [Element] {
        Array(self).sorted { "\($0)" < "\($1)" }.shuffled(using: &g)
    }
}
