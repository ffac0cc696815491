import Foundation
import LedgerCore
import Testing

@Suite("Change records")
struct ChangeRecordTests {
    static let good = #"{"v":1,"change_id":"c-1","province":"440000","category":"admin_penalty","id":"P1","op":"upsert","entity":{"uscc":"91350100M000100Y43","name":"示例"},"fields":{"amount":"0.005"},"occurred_at":"2026-01-02","recorded_at":"2026-01-03T09:00:00+08:00","source":{"name":"局"},"origin":"local"}"#

    @Test("parses the envelope and keeps canonical bytes")
    func parses() throws {
        let record = try ChangeRecord(parsing: Array(Self.good.utf8), province: "440000")
        #expect(record.changeID == "c-1")
        #expect(record.category == "admin_penalty")
        #expect(record.id == "P1")
        #expect(record.operation == .upsert)
        #expect(try CanonicalJSON.canonicalize(Array(Self.good.utf8)) == record.canonicalBytes)
        // Content excludes bookkeeping such as recorded_at and change_id.
        let content = String(decoding: record.contentBytes, as: UTF8.self)
        #expect(!content.contains("recorded_at"))
        #expect(!content.contains("change_id"))
        #expect(content.contains("\"op\":\"upsert\""))
    }

    @Test("content is the same whatever the clocks and change ids")
    func contentIgnoresBookkeeping() throws {
        let a = try ChangeRecord(parsing: Array(Self.good.utf8), province: "440000")
        let other = Self.good.replacingOccurrences(of: "2026-01-03T09:00:00+08:00", with: "2026-02-01T00:00:00Z")
            .replacingOccurrences(of: "\"c-1\"", with: "\"c-2\"")
        let b = try ChangeRecord(parsing: Array(other.utf8), province: "440000")
        #expect(a.contentBytes == b.contentBytes)
        #expect(a.canonicalBytes != b.canonicalBytes)
    }

    @Test("rejects only what is structurally unusable", arguments: [
        (#"[1,2]"#, "record.not-an-object"),
        (#"{"province":"440000","category":"x","id":"1","op":"upsert"}"#, "record.missing-field"),
        (#"{"change_id":"","province":"440000","category":"x","id":"1","op":"upsert"}"#, "record.invalid-field"),
        (#"{"change_id":"c","province":"440000","id":"1","op":"upsert"}"#, "record.missing-field"),
        (#"{"change_id":"c","province":"440000","category":"x","op":"upsert"}"#, "record.missing-field"),
        (#"{"change_id":"c","province":"440000","category":"x","id":"1"}"#, "record.missing-field"),
        (#"{"change_id":"c","category":"x","id":"1","op":"upsert"}"#, "record.missing-field"),
        (#"{"change_id":"c","province":"440000","category":"x","id":1,"op":"upsert"}"#, "record.invalid-field"),
        (#"{"change_id":"c","province":"440000","category":"x","id":"1","op":"delete"}"#, "record.invalid-field"),
        (#"{"change_id":"c","province":"310000","category":"x","id":"1","op":"upsert"}"#, "record.wrong-province"),
        (#"{"change_id":"c","province":"440000""#, "json.malformed"),
    ])
    func rejects(line: String, code: String) {
        #expect {
            _ = try ChangeRecord(parsing: Array(line.utf8), province: "440000")
        } throws: { ($0 as? LedgerCoreError)?.code == code }
    }

    @Test("a record built from a parsed value equals the one parsed from its bytes, refusals included")
    func fromValue() throws {
        let escaped = Self.good.replacingOccurrences(of: "示例", with: #"示\"例\u0001"#)
        for text in [Self.good, escaped] {
            let value = try JSONParser.parse(Array(text.utf8))
            let built = try ChangeRecord(value: value, province: "440000")
            let parsed = try ChangeRecord(parsing: Array(text.utf8), province: "440000")
            #expect(built.canonicalBytes == parsed.canonicalBytes && built.contentBytes == parsed.contentBytes)
            #expect(built.changeID == parsed.changeID && built.category == parsed.category && built.id == parsed.id && built.operation == parsed.operation)
        }
        for (line, code) in [(#"[1,2]"#, "record.not-an-object"),
                             (#"{"province":"440000","category":"x","id":"1","op":"upsert"}"#, "record.missing-field"),
                             (#"{"change_id":"c","province":"440000","category":"x","id":"1","op":"delete"}"#, "record.invalid-field"),
                             (#"{"change_id":"c","province":"310000","category":"x","id":"1","op":"upsert"}"#, "record.wrong-province")] {
            let value = try JSONParser.parse(Array(line.utf8))
            #expect { _ = try ChangeRecord(value: value, province: "440000") } throws: { ($0 as? LedgerCoreError)?.code == code }
        }
    }

    @Test("keeps bad but parseable data for the quality audit")
    func keepsBadData() throws {
        let bad = #"{"change_id":"c","province":"440000","category":"unknown_cat","id":"1","op":"revoke","entity":{"uscc":"not-a-code"},"occurred_at":"yesterday"}"#
        let record = try ChangeRecord(parsing: Array(bad.utf8), province: "440000")
        #expect(record.operation == .revoke)
    }

    @Test("records are at most 65,535 bytes: what a 16-bit length frames")
    func tooLarge() throws {
        let head = #"{"category":"x","change_id":"c","fields":{"t":""#
        let tail = #""},"id":"1","op":"upsert","province":"440000"}"#
        func record(_ total: Int) -> [UInt8] { Array((head + String(repeating: "x", count: total - head.utf8.count - tail.utf8.count) + tail).utf8) }
        #expect(try ChangeRecord(canonicalEntry: record(65_535), province: "440000").canonicalBytes.count == 65_535)
        for size in [65_536, 70_000] {
            #expect { _ = try ChangeRecord(parsing: record(size), province: "440000") }
                throws: { ($0 as? LedgerCoreError)?.code == "record.too-large" }
        }
    }

    @Test("entries exchanged between ledgers must already be canonical")
    func canonicalEntries() throws {
        let record = try ChangeRecord(parsing: Array(Self.good.utf8), province: "440000")
        #expect(try ChangeRecord(canonicalEntry: record.canonicalBytes, province: "440000") == record)
        #expect { _ = try ChangeRecord(canonicalEntry: Array(Self.good.utf8), province: "440000") }
            throws: { ($0 as? LedgerCoreError)?.code == "record.not-canonical" }
    }
}
