import Foundation
import Inspection
import LedgerCore
import Quality
import Testing
import TestSupport

/// The inspector's whole day through the CLI, on the demo's data: the demo syncs Guangdong to
/// HQ over loopback mTLS, audits, and runs the inspection story; the commands then redo it from
/// the ledger and from HQ's mirror.
@Suite("creditsync inspect")
struct InspectCLITests {
    @Test("demo, then plan from the ledger and from HQ's mirror, bundle, verify, a tampered copy, compare and record")
    func inspectorsDay() async throws {
        let directory = try TemporaryDirectory("inspect-cli")
        func path(_ name: String) -> String { directory.appending(name).path }
        let demo = try await CLI.run(["demo", "--keep", path("demo"), "--lang", "en"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Demo complete."))
        #expect(demo.stdout.contains("findings of Guangdong"))

        let planJSON = try Data(contentsOf: directory.appending("demo/inspection/plan.json"))
        let plan = try InspectionPlan(json: JSONParser.parse(Array(planJSON)))
        try Data(plan.checkpointText.utf8).write(to: directory.appending("checkpoint.txt"))
        let drawing = ["--checkpoint", path("checkpoint.txt"), "--inspection-id", plan.inspectionID, "--size", "5"]

        // The same sample from the province's ledger and from HQ's mirror of it.
        let fromLedger = try await CLI.run(["inspect", "plan", "--ledger", path("demo/440000")] + drawing + ["--out", path("ledger-plan.json")])
        let fromHQ = try await CLI.run(["inspect", "plan", "--data", path("demo/hq"), "--province", "440000"] + drawing + ["--out", path("hq-plan.json")])
        #expect(fromLedger.status == 0 && fromHQ.status == 0, "\(fromLedger.stderr)\(fromHQ.stderr)")
        #expect(try Data(contentsOf: directory.appending("ledger-plan.json")) == planJSON)
        #expect(try Data(contentsOf: directory.appending("hq-plan.json")) == planJSON)

        // HQ's mirror gives the same bundle as the province, HQ's receipt included.
        let exported = try await CLI.run(["hq", "keys", "export", "--data", path("demo/hq"), "--out", path("trust.json")])
        #expect(exported.status == 0 && exported.stdout.contains("440000 creditsync.samr/province/440000 log keys"), "\(exported.stderr)")
        let bundle = try await CLI.run(["inspect", "bundle", "--data", path("demo/hq"), "--province", "440000", "--plan", path("hq-plan.json"),
                                        "--trust", path("trust.json"), "--out", path("hq.bundle")])
        #expect(bundle.status == 0, "\(bundle.stderr)")
        #expect(bundle.stdout.contains("1 HQ receipts"))
        // The same records and log lines; the header differs only in the newest checkpoint each
        // side holds HQ's receipt for.
        let ours = try BundleTests.lines(directory.appending("hq.bundle")), theirs = try BundleTests.lines(directory.appending("demo/inspection/2026-HQ-INSP-017.bundle"))
        #expect(ours.dropFirst() == theirs.dropFirst())
        #expect(try JSONParser.parse(ours[0])["plan"] == JSONParser.parse(theirs[0])["plan"])
        let verified = try await CLI.run(["inspect", "verify", path("hq.bundle"), "--trust", path("trust.json")])
        #expect(verified.status == 0 && verified.stdout.hasPrefix("ok:"), "\(verified.stderr)")
        #expect(verified.stdout.contains("key id "), "\(verified.stdout)")
        let untrusted = try await CLI.run(["inspect", "verify", path("hq.bundle")])
        #expect(untrusted.status != 0 && untrusted.stderr.contains("--trust"), "\(untrusted.stderr)")

        var damaged = try Data(contentsOf: directory.appending("hq.bundle"))
        damaged[damaged.count - 3] ^= 0x80
        try damaged.write(to: directory.appending("damaged.bundle"))
        let refused = try await CLI.run(["inspect", "verify", path("damaged.bundle"), "--trust", path("trust.json")])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("error: the bundle file is damaged"), "\(refused.stderr)")

        // The archive, plus one row the inspector left without a record id.
        var archive = try String(contentsOf: directory.appending("demo/inspection/archive.csv"), encoding: .utf8)
        archive += "registration,,entity.name,某公司,\r\n"
        try Data(archive.utf8).write(to: directory.appending("archive.csv"))
        let lines = archive.split(separator: "\r\n", omittingEmptySubsequences: false).count - 1
        let compared = try await CLI.run(["inspect", "compare", path("hq.bundle"), "--trust", path("trust.json"),
                                          "--key", path("demo/hq/inspection.key"), "--archive", path("archive.csv"), "--out", path("compared"), "--lang", "en"])
        #expect(compared.status == 3, "\(compared.stderr)")
        #expect(compared.stderr.contains("archive.csv:\(lines): a row needs a category and a record_id"), "\(compared.stderr)")
        #expect(compared.stdout.contains("differs 1") && compared.stdout.contains("archive_only 1"))
        let csv = try Data(contentsOf: directory.appending("compared/comparison.csv"))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
        let html = try String(contentsOf: directory.appending("compared/report.html"), encoding: .utf8)
        #expect(html.contains("data-total-differs=\"1\"") && html.contains("lang=\"en\""))

        // The demo recorded its own result at HQ: the same again stores nothing; this comparison
        // (of HQ's bundle) is another result under the same inspection id and is refused.
        let again = try await CLI.run(["inspect", "record", "--data", path("demo/hq"), "--result", path("demo/reports/inspection/comparison.json"),
                                       "--bundle", path("demo/inspection/2026-HQ-INSP-017.bundle")])
        #expect(again.status == 0 && again.stdout.hasPrefix("already recorded: inspection 2026-HQ-INSP-017 of 440000"), "\(again.stdout)\(again.stderr)")
        let second = try await CLI.run(["inspect", "record", "--data", path("demo/hq"), "--result", path("compared/comparison.json"), "--bundle", path("hq.bundle")])
        #expect(second.status != 0 && second.stderr.contains("is recorded with another result"), "\(second.stderr)")
        let foreign = try await CLI.run(["inspect", "record", "--data", path("demo/hq"), "--result", path("compared/comparison.json"),
                                         "--bundle", path("demo/inspection/2026-HQ-INSP-017.bundle")])
        #expect(foreign.status != 0 && foreign.stderr.contains("the result is of another bundle"), "\(foreign.stderr)")

        // HQ's mirror has not seen the ledger's newest checkpoint: refused, nothing written.
        let appended = try await CLI.run(["province", "append", "--ledger", path("demo/440000")], input: Data(TestRecords.ndjson(0..<1, province: "440000").utf8))
        #expect(appended.status == 0, "\(appended.stderr)")
        let latest = try await CLI.run(["province", "checkpoint", "--ledger", path("demo/440000")])
        try Data(latest.stdout.utf8).write(to: directory.appending("latest.txt"))
        let ahead = try await CLI.run(["inspect", "plan", "--data", path("demo/hq"), "--province", "440000", "--checkpoint", path("latest.txt"),
                                       "--inspection-id", "X", "--size", "3", "--out", path("ahead.json")])
        #expect(ahead.status == 5, "\(ahead.stderr)")
        #expect(ahead.stderr.contains("fewer entries"))
        #expect(!FileManager.default.fileExists(atPath: path("ahead.json")))
    }

    /// A valid code for the inspecting authority: organization code and final check characters
    /// computed as GB 32100 says.
    static let authorityUSCC: String = {
        let body = Array("MB000001")
        let prefix = "11100000" + String(body) + String(USCC.organizationCheckCharacter(body)!)
        return prefix + String(USCC.checkCharacter(forPrefix: prefix)!)
    }()
}
