import LedgerCore
import Reconcile
import Testing

@Suite("The central-vs-local merge")
struct GapClassifierTests {
    static func row(_ category: String, _ id: String, _ index: UInt64, op: String = "upsert", name: String = "甲公司",
                    fields: String = #"{"a":"1"}"#) throws -> StateRow {
        let json = #"{"category":"\#(category)","id":"\#(id)","op":"\#(op)","entity":{"uscc":"X","name":"\#(name)"},"fields":\#(fields),"change_id":"c\#(index)","recorded_at":"t\#(index)"}"#
        return try #require(StateRow(value: try JSONParser.parse(Array(json.utf8)), index: index))
    }

    /// Runs the merge to the end over two sorted lists.
    static func merge(_ local: [StateRow], _ central: [StateRow]) -> [Gap] {
        var (l, c) = (0, 0)
        var gaps: [Gap] = []
        while let (gap, advance) = GapClassifier.step(local: l < local.count ? local[l] : nil, central: c < central.count ? central[c] : nil) {
            if let gap { gaps.append(gap) }
            switch advance {
            case .local: l += 1
            case .central: c += 1
            case .both: l += 1; c += 1
            }
        }
        return gaps
    }

    @Test("every gap kind, and nothing for equal content whatever the change ids and clocks")
    func kinds() throws {
        let local = [
            try Self.row("a", "1", 0), try Self.row("a", "2", 1), try Self.row("a", "4", 2, op: "revoke"), try Self.row("a", "5", 3),
            try Self.row("a", "6", 4, op: "revoke"), try Self.row("b", "1", 5, name: "乙公司", fields: #"{"a":"1","b":[1,2]}"#),
        ]
        let central = [
            try Self.row("a", "1", 10), try Self.row("a", "3", 11), try Self.row("a", "4", 12), try Self.row("a", "5", 13, op: "revoke"),
            try Self.row("a", "6", 14, op: "revoke"), try Self.row("b", "1", 15, fields: #"{"a":"2","b":[1,3],"c":null}"#),
            try Self.row("c", "9", 16, op: "revoke"),
        ]
        let gaps = Self.merge(local, central)
        #expect(gaps.map(\.kind) == [.missingCentral, .missingLocal, .revokedLocalActiveCentral, .revokedCentralActiveLocal, .conflict])
        #expect(gaps.map(\.id) == ["2", "3", "4", "5", "1"])
        #expect(gaps[0].localIndex == 1 && gaps[0].centralIndex == nil)
        #expect(gaps[1].localIndex == nil && gaps[1].centralIndex == 11)
        // Differing paths are named, nested members followed, arrays compared whole.
        #expect(gaps[4].fields == ["entity.name", "fields.a", "fields.b", "fields.c"])
    }

    @Test("keys are ordered by UTF-8 bytes, as SQLite and PostgreSQL (C collation) sort them")
    func byteOrder() throws {
        // "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9): a locale-aware order would differ.
        let local = [try Self.row("x", "Z", 0), try Self.row("x", "a", 1), try Self.row("x", "é", 2)]
        #expect(Self.merge(local, local).isEmpty)
        #expect(Self.merge(local, [local[0], local[2]]).map(\.id) == ["a"])
    }

    @Test("strings are compared by bytes: NFC and NFD names conflict")
    func unicodeBytes() throws {
        let nfc = try Self.row("x", "1", 0, name: "Caf\u{E9}")
        let nfd = try Self.row("x", "1", 1, name: "Cafe\u{301}")
        #expect(Self.merge([nfc], [nfd]).map(\.fields) == [["entity.name"]])
    }
    @Test("keys order by their UTF-8 bytes, as SQLite and PostgreSQL sort them")
    func keyOrder() throws {
        let ids = ["A-1", "A-10", "A-1 ", "A-2", "", "甲-1", "e\u{301}", "é", "Z", "a"]
        for x in ids {
            for y in ids {
                let expected = Array(x.utf8) == Array(y.utf8) ? 0 : Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : 1
                #expect(StateRow.keyOrder(try Self.row("c", x, 1), try Self.row("c", y, 2)) == expected, "\(x) \(y)")
            }
        }
        #expect(StateRow.keyOrder(try Self.row("a", "Z", 1), try Self.row("b", "A", 2)) == -1)
    }
}
