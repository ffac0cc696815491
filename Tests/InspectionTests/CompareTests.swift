import Foundation
import Inspection
import LedgerCore
import LedgerStore
import ProvinceNode
import Quality
import Testing
import TestSupport

@Suite("Archive comparison and results")
struct CompareTests {
    @Test("the archive CSV: BOM or none, CRLF or LF, quotes, Chinese header, unusable rows named by line")
    func archiveCSV() throws {
        let text = "\u{FEFF}类别,记录编号,字段,档案所见值,备注\r\nregistration,R-1,entity.name,\"甲, 乙\"\"公司\"\"\",\"two\nlines\"\r\n\r\n,R-2,x,y,z\r\nadmin_penalty,P-9,,,\n"
        let csv = try ArchiveCSV(bytes: Array(text.utf8))
        #expect(csv.rows.count == 2)
        #expect(csv.rows[0] == ArchiveCSV.Row(line: 2, category: "registration", recordID: "R-1", field: "entity.name", valueSeen: "甲, 乙\"公司\"", note: "two\nlines"))
        #expect(csv.rows[1].line == 6 && csv.rows[1].field.isEmpty)
        #expect(csv.rejections == [ArchiveCSV.Rejection(line: 5, reason: "a row needs a category and a record_id")])
        #expect(throws: InspectionError.self) { try ArchiveCSV(bytes: Array("a,b,c\n1,2,3\n".utf8)) }
        // The template operators start from parses cleanly.
        let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ops/inspection/archive-template.csv")
        let parsed = try ArchiveCSV(bytes: Array(try Data(contentsOf: template)))
        #expect(parsed.rows.count == 3 && parsed.rejections.isEmpty)
        #expect(throws: InspectionError.self) { try ArchiveCSV(bytes: [0xFF, 0xFE, 0x41]) }
    }

    /// A plan whose sample has a revoked current record and an entity with several records.
    static func scenario() async throws -> (InspectionFixture, VerifiedBundle) {
        let fixture = try await InspectionFixture.make(records: 1_500)
        for attempt in 1...200 {
            let plan = try await fixture.plan("2026-HQ-INSP-\(attempt)", size: 4)
            let bundle = try fixture.verify(try await fixture.bundle(plan))
            if bundle.records.contains(where: { $0.value["op"]?.stringValue == "revoke" }) { return (fixture, bundle) }
        }
        Issue.record("no sample with a revoked record")
        throw CancellationError()
    }

    static func field(_ record: BundleRecord, _ key: String) -> String? { record.value["fields"]?[key]?.stringValue }

    @Test("compare classifies every case: match, differs, in the system only, in the archive only, revoked in the system")
    func classifies() async throws {
        let (_, bundle) = try await Self.scenario()
        let revoked = try #require(bundle.records.first { $0.value["op"]?.stringValue == "revoke" })
        let registration = try #require(bundle.records.first { $0.category == "registration" && $0.uscc != revoked.uscc } ?? bundle.records.first { $0.category == "registration" })
        let name = try #require(registration.value["entity"]?["name"]?.stringValue)
        let capital = try #require(Self.field(registration, "registered_capital"))
        var csv = "category,record_id,field,value_seen,note\n"
        csv += "registration,\(registration.id),entity.name,\(name),名称一致\n"                 // match by a dotted path
        csv += "registration,\(registration.id),registered_capital,\(capital)0,金额写法不同\n"   // match as a decimal
        csv += "registration,\(registration.id),legal_rep,某某某,档案记载不同\n"               // differs (a member of fields)
        csv += "registration,\(registration.id),,,\n"                                        // match: the archive holds it
        csv += "admin_penalty,NOT-IN-SYSTEM-1,decision_no,罚〔2026〕1号,\n"                    // archive only
        csv += "\(revoked.category),\(revoked.id),,,档案仍有效\n"                               // revoked in the system
        let archive = try ArchiveCSV(bytes: Array(csv.utf8))
        let comparison = ArchiveComparison(bundle: bundle, archive: archive)
        let kinds = comparison.rows.map(\.kind)
        #expect(Array(kinds.prefix(6)) == [.match, .match, .differs, .match, .archiveOnly, .revokedInSystem])
        #expect(comparison.rows[2].systemValue == Self.field(registration, "legal_rep"))
        #expect(comparison.rows[2].archiveValue == "某某某")
        // Every other current, unrevoked record of the sample is in the system only, once.
        let mentioned: Set<String> = [registration.category + "/" + registration.id, revoked.category + "/" + revoked.id]
        let expectedSystemOnly = bundle.records.filter { !mentioned.contains($0.category + "/" + $0.id) && $0.value["op"]?.stringValue != "revoke" }
        #expect(comparison.rows.dropFirst(6).map(\.kind) == Array(repeating: .systemOnly, count: expectedSystemOnly.count))
        #expect(Set(comparison.rows.dropFirst(6).map(\.index)) == Set(expectedSystemOnly.map(\.index)))
        #expect(ArchiveComparison.Kind.allCases.allSatisfy { comparison.count($0) > 0 })
        // Per entity: clean only without any discrepancy.
        for entity in comparison.entities {
            #expect(entity.clean == !comparison.rows.contains { $0.uscc == entity.sampled.uscc && $0.kind.isDiscrepancy })
        }
    }

    @Test("an archive that saw every record as the system holds it leaves every entity clean; the result is signed, verifies with the inspection key only, and is no finding")
    func cleanResults() async throws {
        let (_, bundle) = try await Self.scenario()
        var csv = "category,record_id,field,value_seen,note\n"
        for record in bundle.records where record.value["op"]?.stringValue != "revoke" {
            csv += "\(record.category),\(record.id),entity.name,\(record.value["entity"]?["name"]?.stringValue ?? ""),\n"
        }
        let comparison = ArchiveComparison(bundle: bundle, archive: try ArchiveCSV(bytes: Array(csv.utf8)))
        #expect(comparison.entities.filter { !$0.clean }.isEmpty)
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: String(repeating: "0", count: 64), comparison: comparison, comparedOn: "2026-11-30")
        #expect(try ComparisonDocument(json: JSONParser.parse(CanonicalJSON.encode(document.json))) == document)

        // Signed with the inspection key: it verifies with that key only, and an edit is caught.
        let key = try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/inspection")
        let signed = try SignedResult.sign(document, with: key)
        #expect(try SignedResult.verify(signed, inspectionKey: key.verifierKey) == document)
        let other = try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/inspection")
        #expect(performing: { try SignedResult.verify(signed, inspectionKey: other.verifierKey) },
                throws: { ($0 as? InspectionError)?.codeValue == .result && ($0 as? InspectionError)?.message.contains("not signed by HQ's inspection key") == true })
        let edited = Array(String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "\"compared_on\":\"2026-11-30\"", with: "\"compared_on\":\"2026-12-01\"").utf8)
        #expect(edited != signed)
        #expect(performing: { try SignedResult.verify(edited, inspectionKey: key.verifierKey) },
                throws: { ($0 as? InspectionError)?.message.contains("edited after `inspect compare` signed it") == true })
        // A clean comparison is no finding of the province.
        #expect(BureauFindings(document, rules: try QualityRules.bundled()).findings.isEmpty)
    }
}
