import Foundation
import LedgerCore
import Testing
import TestSupport

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    struct Vector: Decodable {
        let input: String
        let canonicalUtf8Hex: String
    }

    struct File: Decodable { let vectors: [Vector] }

    @Test("reproduces every vector in jcs.json")
    func vectors() throws {
        let file = try Vectors.decode(File.self, from: "jcs.json")
        #expect(file.vectors.count >= 8)
        for vector in file.vectors {
            let canonical = try CanonicalJSON.canonicalize(Array(vector.input.utf8))
            #expect(canonical.hex == vector.canonicalUtf8Hex, "input: \(vector.input)")
        }
    }

    @Test("numbers are formatted as ECMAScript formats them", arguments: [
        (1.0, "1"), (-1.5, "-1.5"), (100.0, "100"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (1e-6, "0.000001"), (1e-7, "1e-7"), (0.1 + 0.2, "0.30000000000000004"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (-0.0, "0"), (123456789.0, "123456789"),
        (1.5e-10, "1.5e-10"), (2.5e25, "2.5e+25"), (9007199254740993.0, "9007199254740992"),
    ])
    func numbers(value: Double, expected: String) {
        #expect(ECMAScriptNumber.format(value) == expected)
    }

    @Test("canonicalising canonical output changes nothing")
    func idempotent() throws {
        let input = #"{"z":[1,2.50,{"b":"\u00e9","a":null}],"a":"\ud83d\ude00\n","m":-0.0}"#
        let once = try CanonicalJSON.canonicalize(Array(input.utf8))
        #expect(try CanonicalJSON.canonicalize(once) == once)
        #expect(String(decoding: once, as: UTF8.self) == "{\"a\":\"😀\\n\",\"m\":0,\"z\":[1,2.5,{\"a\":null,\"b\":\"é\"}]}")
    }

    @Test("rejects what RFC 8785 cannot represent", arguments: [
        (#"{"a":1,"a":2}"#, "json.duplicate-key"),
        (#"{"a":{"b":1,"b":1}}"#, "json.duplicate-key"),
        (#"{"a":"\ud800"}"#, "json.lone-surrogate"),
        (#"{"a":"\udc00x"}"#, "json.lone-surrogate"),
        (#"{"a":"\ud800\u0041"}"#, "json.lone-surrogate"),
        (#"{"a":1e400}"#, "json.non-finite-number"),
        (#"{"a":-1e309}"#, "json.non-finite-number"),
        (#"{"a":NaN}"#, "json.malformed"),
        (#"{"a":Infinity}"#, "json.malformed"),
        (#"{"a":01}"#, "json.malformed"),
        (#"{"a":1,}"#, "json.malformed"),
        ("{\"a\":\"tab\tinside\"}", "json.malformed"),
        (#"{"a":1} x"#, "json.malformed"),
        (#"{"a":"\x"}"#, "json.malformed"),
        ("", "json.malformed"),
    ])
    func rejects(input: String, code: String) {
        #expect {
            _ = try CanonicalJSON.canonicalize(Array(input.utf8))
        } throws: { error in
            (error as? LedgerCoreError)?.code == code
        }
    }

    @Test("rejects invalid UTF-8", arguments: [
        [0x22, 0xC3, 0x28, 0x22] as [UInt8],        // bad continuation
        [0x22, 0xC0, 0xAF, 0x22],                   // overlong '/'
        [0x22, 0xED, 0xA0, 0x80, 0x22],             // UTF-8-encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],       // above U+10FFFF
        [0x22, 0xE6, 0xB7, 0x22],                   // truncated
        [0x22, 0xFF, 0x22],
    ])
    func invalidUTF8(bytes: [UInt8]) {
        #expect {
            _ = try CanonicalJSON.canonicalize(bytes)
        } throws: { error in
            (error as? LedgerCoreError)?.code == "json.invalid-utf8"
        }
    }

    @Test("rejects nesting deeper than the limit")
    func nesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: LedgerCoreError.self) { try CanonicalJSON.canonicalize(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(throws: Never.self) { try CanonicalJSON.canonicalize(Array(fine.utf8)) }
    }

    @Test("keys are compared by their bytes: canonically equivalent keys are distinct, as I-JSON has them")
    func keysByBytes() throws {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301): Swift's == calls them equal.
        let text = "{\"\u{00E9}\":1,\"e\u{0301}\":2}"
        #expect("\u{00E9}" == "e\u{0301}")
        let parsed = try JSONParser.parse(Array(text.utf8))
        guard case .object(let members) = parsed else { Issue.record("not an object"); return }
        #expect(members.count == 2)
        #expect(try CanonicalJSON.canonicalize(Array(text.utf8)).count == text.utf8.count)
        // A true duplicate is still refused, by both paths, also past the parser's small-object scan.
        let many = (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        for duplicate in ["{\"\u{00E9}\":1,\"\u{00E9}\":2}", "{\(many),\"k7\":0}"] {
            #expect { try JSONParser.parse(Array(duplicate.utf8)) } throws: { ($0 as? LedgerCoreError)?.codeValue == .duplicateKey }
            #expect { try CanonicalJSON.canonicalize(Array(duplicate.utf8)) } throws: { ($0 as? LedgerCoreError)?.codeValue == .duplicateKey }
        }
    }
}
