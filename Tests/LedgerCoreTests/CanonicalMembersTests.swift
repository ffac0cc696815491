import LedgerCore
import Testing
import TestSupport

@Suite("Canonical members")
struct CanonicalMembersTests {
    static let samples = [
        #"{"a":1,"b":"x,y}","c":{"d":[1,{"e":"]"}],"f":null},"g":[],"h":"\"q\\","i":true,"j":-1.5e-7}"#,
        #"{}"#,
        #"{"category":"admin_penalty","entity":{"name":"某公司\u001f","uscc":"91350100M000100Y43"},"id":"P-1","op":"revoke"}"#,
    ]

    @Test("a scan finds each top-level member's key and value as the parser does, and a subset is the canonical sub-object")
    func matchesTheParser() throws {
        for text in Self.samples {
            let bytes = CanonicalJSON.encode(try JSONParser.parse(Array(text.utf8)))
            let members = try #require(CanonicalMembers.scan(bytes))
            guard case .object(let parsed) = try JSONParser.parse(bytes) else { Issue.record("not an object"); continue }
            #expect(members.count == parsed.count)
            for (member, expected) in zip(members, parsed) {
                #expect(try JSONParser.parse(Array(#"""#.utf8) + bytes[member.key] + Array(#"""#.utf8)).stringValue == expected.key)
                #expect(try JSONParser.parse(bytes[member.value]) == expected.value)
            }
            let kept = parsed.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            let keys = Set(kept.map { Array($0.key.utf8) })
            #expect(CanonicalMembers.subset(bytes, members) { keys.contains(Array($0)) } == CanonicalJSON.encode(.object(kept)))
        }
    }

    @Test("every record of the vectors scans like the parser", arguments: 0..<200)
    func records(n: Int) throws {
        let bytes = try TestRecords.record(n).canonicalBytes
        let members = try #require(CanonicalMembers.scan(bytes))
        guard case .object(let parsed) = try JSONParser.parse(bytes) else { Issue.record("not an object"); return }
        #expect(members.map { Array(bytes[$0.value]) } == parsed.map { CanonicalJSON.encode($0.value) })
    }

    @Test("what is not an object, or is cut short, is refused")
    func refuses() {
        for text in [#"[1,2]"#, #""x""#, #"{"a":1"#, #"{"a"}"#, #"{"a":"x}"#, #"{"a":1;"b":2}"#, ""] {
            #expect(CanonicalMembers.scan(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
