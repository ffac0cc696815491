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

    /// A bundle of a province's own ledger (no central register) with records of three strata.
    static func scenario() async throws -> (InspectionFixture, VerifiedBundle) {
        let fixture = try await InspectionFixture.make(records: 1_500)
        let bundle = try fixture.verify(try await fixture.bundle(try await fixture.plan()))
        return (fixture, bundle)
    }

    static func field(_ record: BundleRecord, _ key: String) -> String? { record.value["fields"]?[key]?.stringValue }

    @Test("compare classifies every case: match, differs, in the system only, in the archive only, reality differs or unverified")
    func classifies() async throws {
        let (fixture, bundle) = try await Self.scenario()
        let registration = try #require(bundle.records.first { $0.category == "registration" && Self.field($0, "registered_capital") != nil })
        let penalty = try #require(bundle.records.first { $0.category == "admin_penalty" })
        let name = try #require(registration.value["entity"]?["name"]?.stringValue)
        let capital = try #require(Self.field(registration, "registered_capital"))
        var csv = "category,record_id,field,value_seen,note\n"
        csv += "registration,\(registration.id),entity.name,\(name),名称一致\n"                 // match by a dotted path
        csv += "registration,\(registration.id),registered_capital,\(capital)0,金额写法不同\n"   // match as a decimal
        csv += "registration,\(registration.id),legal_rep,某某某,档案记载不同\n"               // differs (a member of fields)
        csv += "registration,\(registration.id),,,\n"                                        // match: the archive holds it
        csv += "admin_penalty,NOT-IN-SYSTEM-1,decision_no,罚〔2026〕1号,\n"                    // archive only
        // Not sampled, but held by the system; and a category the inspection did not sample.
        var unsampled: String?
        for index in 0..<fixture.recordsCheckpoint.size where unsampled == nil {
            let value = try JSONParser.parse(try await fixture.ledger.store.entry(at: index))
            if value["category"]?.stringValue == "admin_penalty", let id = value["id"]?.stringValue, !bundle.records.contains(where: { $0.id == id }),
               try await fixture.ledger.store.state(category: "admin_penalty", id: id)?.lastIndex == index {
                unsampled = id
            }
        }
        let heldOnly = try #require(unsampled)
        let archive = try ArchiveCSV(bytes: Array(csv.utf8))
        let onsite = try OnsiteCSV(bytes: Array("""
            类别,记录编号,核实结果,备注
            registration,\(registration.id),不一致,实际经营地址与档案不符
            \(penalty.category),\(penalty.id),无法核实,当事人已搬离
            admin_penalty,NOT-SAMPLED-1,一致,
            registration,X,也许,
            registration,\(registration.id),一致,again

            """.utf8))
        #expect(onsite.rows.count == 4 && onsite.rejections.map(\.line) == [5])
        let comparison = try InspectionComparison(bundle: bundle, archive: archive, onsite: onsite)
        let kinds = comparison.rows.map(\.kind)
        #expect(Array(kinds.prefix(5)) == [.match, .match, .differs, .match, .archiveOnly])
        #expect(comparison.rows[2].systemValue == Self.field(registration, "legal_rep"))
        #expect(comparison.rows[2].archiveValue == "某某某")
        // Every other sampled record is in the system only, once.
        let others = bundle.records.filter { $0.id != registration.id }
        #expect(kinds.filter { $0 == .systemOnly }.count == others.count)
        #expect(comparison.rows.contains { $0.kind == .realityDiffers && $0.recordID == registration.id && $0.note == "实际经营地址与档案不符" })
        #expect(comparison.rows.contains { $0.kind == .realityUnverified && $0.recordID == penalty.id })
        #expect(comparison.rejections.map(\.reason) == ["admin_penalty/NOT-SAMPLED-1 is not a sampled record",
                                                        "registration/\(registration.id) has an on-site finding already: one row per record"])
        let withUnsampled = try ArchiveCSV(bytes: Array((csv + "admin_penalty,\(heldOnly),,,\ntrademark,TM-1,,,\n").utf8))
        let second = try InspectionComparison(bundle: bundle, archive: withUnsampled)
        #expect(second.archiveRejections.map(\.line) == [7, 8] && second.count(.archiveOnly) == 1)
        #expect(second.archiveRejections[0].reason.contains("is in the system but not sampled")
                && second.archiveRejections[1].reason.contains("trademark is not a category this inspection sampled"))
        // No central register in a province's own bundle: not compared, never "consistent".
        #expect(comparison.items.allSatisfy { $0.central == .notCompared })
        let item = try #require(comparison.items.first { $0.sampled.id == registration.id })
        #expect(item.archive == .inconsistent && item.reality == .inconsistent && !item.clean)
    }

    @Test("an archive that saw every record as the system holds it is clean; the result is signed, verifies with the inspection key only; a missing mechanism is a finding")
    func cleanResults() async throws {
        let (_, bundle) = try await Self.scenario()
        var csv = "category,record_id,field,value_seen,note\n"
        for record in bundle.records {
            csv += "\(record.category),\(record.id),entity.name,\(record.value["entity"]?["name"]?.stringValue ?? ""),\n"
        }
        let comparison = try InspectionComparison(bundle: bundle, archive: try ArchiveCSV(bytes: Array(csv.utf8)))
        #expect(comparison.items.allSatisfy { $0.clean })
        let checklist = try Checklist.bundled()
        let allYes = try checklist.answers(Array(("item,answer,note\n" + checklist.items.map { "\($0.id),是," }.joined(separator: "\n")).utf8))
        #expect(allYes.rejections.isEmpty && allYes.answers.allSatisfy { $0.answer == .yes })
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: String(repeating: "0", count: 64), comparison: comparison,
                                          checklist: allYes.answers, comparedOn: "2026-11-30")
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
        // A clean comparison is no finding of the province; a mechanism answered 否 is one.
        let rules = try QualityRules.bundled()
        #expect(BureauFindings(document, rules: rules).findings.isEmpty)
        let oneNo = try checklist.answers(Array("检查项,结论,备注\nwork_team,否,未成立专班\nnot_an_item,是,\n".utf8))
        #expect(oneNo.rejections.map(\.line) == [3])
        #expect(oneNo.answers.filter { $0.answer == .unanswered }.count == checklist.items.count - 1)
        var lacking = document
        lacking.checklist = ComparisonDocument(bundle: bundle, bundleSHA256: document.bundleSHA256, comparison: comparison, checklist: oneNo.answers,
                                               comparedOn: "2026-11-30").checklist
        let findings = BureauFindings(lacking, rules: rules).findings
        #expect(findings.map(\.rule) == ["accuracy.inspection_mechanism"] && findings.first?.recordID == "work_team" && findings.first?.note == "未成立专班")
    }

    @Test("the on-site and checklist templates parse, and the bundled checklist is ops/inspection/checklist.json")
    func templates() throws {
        let ops = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ops/inspection")
        let onsite = try OnsiteCSV(bytes: Array(try Data(contentsOf: ops.appendingPathComponent("onsite-template.csv"))))
        #expect(onsite.rows.count == 2 && onsite.rejections.isEmpty)
        let checklist = try Checklist(bytes: Array(try Data(contentsOf: ops.appendingPathComponent("checklist.json"))))
        #expect(try Checklist.bundled() == checklist)
        let answers = try checklist.answers(Array(try Data(contentsOf: ops.appendingPathComponent("checklist-template.csv"))))
        #expect(answers.rejections.isEmpty && answers.answers.filter { $0.answer != .unanswered }.count == 2)
        #expect(throws: InspectionError.self) { try OnsiteCSV(bytes: Array("a,b\n".utf8)) }
    }

    @Test("an inspector's file larger than the limit is refused before it is read")
    func oversized() throws {
        let directory = try TemporaryDirectory("oversized")
        let url = directory.appending("archive.csv")
        // A sparse file: the size without the disk.
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data("category,record_id\n".utf8)))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(InspectorFile.maximumBytes + 1))
        try handle.close()
        #expect(performing: { try InspectorFile.read(url.path, option: "--archive") }, throws: { error in
            guard let error = error as? InspectionError else { return false }
            return error.codeValue == .archive && error.message.contains("is larger than \(InspectorFile.maximumBytes) bytes")
        })
    }
}
