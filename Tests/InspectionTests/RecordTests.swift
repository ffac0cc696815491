import Foundation
import HQAudit
import HQNode
import HQStorage
import HQTestSupport
import Inspection
import LedgerCore
import NationalCrypto
import Quality
import Synthetic
import Testing
import TestSupport
@testable import creditsync

/// `inspect record` keeps a signed result at HQ as findings of the inspected province, on both
/// storage backends, and refuses what is not HQ's own signed result of the bundle given.
@Suite("Inspection results at HQ")
struct RecordTests {
    @Test("a signed result becomes the province's findings once; edited, foreign-bundle and second results are refused", arguments: StorageBackend.allCases)
    func record(backend: StorageBackend) async throws {
        let scenario = try await HQScenario.make(backend)
        let fixture = scenario.fixture
        let plan = try await scenario.plan()
        // The central register holds the first sampled record as the province does.
        let held = try #require(try await scenario.mirror.entries(from: plan.sample[0].index, to: plan.sample[0].index + 1).first)
        _ = try await fixture.storage.register.importChanges(province: try ProvinceCode("440000"), [try ChangeRecord(parsing: held, province: "440000")], now: Date())
        let bundleURL = fixture.directory.appending("insp.bundle")
        let bundle = try await scenario.bundle(plan, to: bundleURL)
        #expect(bundle.registerSize == 1 && bundle.records[0].central == held)

        // The archive shows one name differently and holds one decision the system lacks.
        let first = try #require(bundle.records.first)
        let csv = "category,record_id,field,value_seen,note\n\(first.category),\(first.id),entity.name,另一家公司,\nadmin_penalty,PEN-440000-0000001,,,档案有\n"
        let comparison = try InspectionComparison(bundle: bundle, archive: try ArchiveCSV(bytes: Array(csv.utf8)))
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: try ComparisonDocument.bundleSHA256(bundleURL), comparison: comparison,
                                          checklist: [], comparedOn: "2026-12-07")
        let signed = try SignedResult.sign(document, with: fixture.data.keys.inspection)
        let rules = try QualityRules.bundled()
        let recorder = ResultRecorder(inspectionKey: fixture.data.keys.inspection.verifierKey, trust: try await scenario.exportedTrust(), rules: rules,
                                      resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:), register: fixture.storage.register)
        let audits = fixture.storage.audits

        func refused(_ result: [UInt8], bundle url: URL, code: InspectionErrorCode, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async {
            do {
                _ = try await recorder.record(result: result, bundle: url, into: audits, now: Date())
                Issue.record("recorded", sourceLocation: sourceLocation)
            } catch let error as InspectionError {
                #expect(error.codeValue == code && error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
        // Edited after signing, and signed by a key that is not HQ's: nothing stored.
        let edited = Array(String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "另一家公司", with: "另一家企业").utf8)
        await refused(edited, bundle: bundleURL, code: .result, "edited after `inspect compare` signed it")
        let stranger = try SignedResult.sign(document, with: try Ed25519NoteSigner.generate(name: HQKeys.inspectionKeyName))
        await refused(stranger, bundle: bundleURL, code: .result, "not signed by HQ's inspection key creditsync.samr/hq/inspection (key id")
        // A bundle whose copy of the central register was edited (to hide a difference), with a
        // result signed for it: the copy is read again from HQ's register.
        let lines = try BundleTests.lines(bundleURL)
        let forged = String(decoding: held, as: UTF8.self).replacingOccurrences(of: "\"op\":\"upsert\"", with: "\"op\":\"upsert\",\"x\":1")
        var editedLines = lines
        editedLines[1] = Array(String(decoding: lines[1], as: UTF8.self).replacingOccurrences(
            of: "\"central\":\"" + BundleTests.jsonString(String(decoding: held, as: UTF8.self)) + "\"",
            with: "\"central\":\"" + BundleTests.jsonString(forged) + "\"").utf8)
        #expect(editedLines[1] != lines[1])
        let editedURL = fixture.directory.appending("edited-central.bundle")
        try BundleTests.write(editedLines, to: editedURL)
        // Given with another bundle (a valid one): not the bundle the result names.
        await refused(signed, bundle: editedURL, code: .result, "the result is of another bundle")
        var editedDocument = document
        editedDocument.bundleSHA256 = try ComparisonDocument.bundleSHA256(editedURL)
        await refused(try SignedResult.sign(editedDocument, with: fixture.data.keys.inspection), bundle: editedURL, code: .result,
                      "copy of the central register's \(plan.sample[0].category) \(plan.sample[0].id) is not HQ's register's at size 1")
        // The same bundle with the central register's copies left out (register_size null): HQ
        // holds a register of the province, so the first comparison may not be skipped.
        var withoutCentral = lines
        withoutCentral[0] = Array(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "\"register_size\":1", with: "\"register_size\":null").utf8)
        withoutCentral[1] = Array(String(decoding: lines[1], as: UTF8.self).replacingOccurrences(
            of: "\"central\":\"" + BundleTests.jsonString(String(decoding: held, as: UTF8.self)) + "\"", with: "\"central\":null").utf8)
        #expect(withoutCentral[0] != lines[0] && withoutCentral[1] != lines[1])
        let noCentralURL = fixture.directory.appending("no-central.bundle")
        try BundleTests.write(withoutCentral, to: noCentralURL)
        var noCentralDocument = document
        noCentralDocument.bundleSHA256 = try ComparisonDocument.bundleSHA256(noCentralURL)
        await refused(try SignedResult.sign(noCentralDocument, with: fixture.data.keys.inspection), bundle: noCentralURL, code: .result,
                      "holds no copy of the central register, and HQ holds a register of 440000")
        // Judged under other rules than the notice fixed.
        let otherRules = ResultRecorder(inspectionKey: fixture.data.keys.inspection.verifierKey, trust: try await scenario.exportedTrust(),
                                        rules: try QualityRules(bytes: Array(try Data(contentsOf: SampleTests.repository.appendingPathComponent("ops/rules/quality-rules.json"))) + [0x0A]),
                                        resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:), register: fixture.storage.register)
        do {
            _ = try await otherRules.record(result: signed, bundle: bundleURL, into: audits, now: Date())
            Issue.record("recorded under other rules")
        } catch let error as InspectionError {
            #expect(error.codeValue == .result && error.message.contains("the notice fixed rules 2026.9"), "\(error.message)")
        }
        #expect(try await audits.inspections(province: nil).isEmpty)

        let outcome = try await recorder.record(result: signed, bundle: bundleURL, into: audits, now: Date())
        #expect(outcome.recorded)
        let rulesHit = Set(outcome.findings.findings.map(\.rule))
        #expect(rulesHit.isSuperset(of: ["accuracy.inspection_archive_differs", "comprehensiveness.inspection_not_in_system", "accuracy.inspection_not_in_archive"]))
        // The central register holds one sampled record, as the province does: the others are missing centrally.
        #expect(outcome.findings.findings.filter { $0.rule == "accuracy.inspection_central_differs" }.count == plan.sample.count - 1)
        #expect(outcome.findings.findings.filter { $0.rule == "accuracy.inspection_archive_differs" }.count == 1)
        #expect(outcome.findings.findings.allSatisfy { !$0.rule.isEmpty })
        let kept = try await audits.inspections(province: "440000")
        #expect(kept.count == 1 && kept[0] == outcome.inspection && kept[0].findingCount == outcome.findings.findings.count)
        #expect(kept[0].rulesVersion == rules.version && kept[0].province == "440000")

        // The same result again stores nothing; another result under the same id is refused.
        #expect(try await recorder.record(result: signed, bundle: bundleURL, into: audits, now: Date()).recorded == false)
        var later = document
        later.comparedOn = "2026-12-08"
        let second = try SignedResult.sign(later, with: fixture.data.keys.inspection)
        do {
            _ = try await recorder.record(result: second, bundle: bundleURL, into: audits, now: Date())
            Issue.record("a second result was recorded")
        } catch let error as HQStorageError {
            #expect(error.codeValue == .conflict && error.message.contains("is recorded with another result"), "\(error.message)")
        }
        #expect(try await audits.inspections(province: nil) == kept)

        // The month's audit lists the bureau's findings in its report and problem list, unscored.
        let out = fixture.directory.appending("audit")
        let audit = try await ProvinceAuditor(storage: fixture.storage).run(
            AuditPlan(province: "440000", period: try AuditPeriod("2026-12"), rules: rules, calendar: try WorkingCalendar.bundled()), output: out)
        let listed = try #require(audit.document.inspections)
        #expect(listed.map(\.inspectionID) == [plan.inspectionID] && listed[0].findings.count == outcome.findings.findings.count)
        let problems = try String(contentsOf: out.appendingPathComponent("findings.csv"), encoding: .utf8)
        #expect(problems.contains("\(plan.inspectionID)/1,") && problems.contains("现场检查 \(plan.inspectionID)"), "\(problems.prefix(600))")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("data-inspection=\"\(plan.inspectionID)\"") && html.contains("data-findings=\"\(outcome.findings.findings.count)\""))
        let november = try await ProvinceAuditor(storage: fixture.storage).run(
            AuditPlan(province: "440000", period: try AuditPeriod("2026-11"), rules: rules, calendar: try WorkingCalendar.bundled()),
            output: fixture.directory.appending("audit-11"))
        #expect(november.document.inspections == nil)
        try await fixture.storage.close()
    }
}
