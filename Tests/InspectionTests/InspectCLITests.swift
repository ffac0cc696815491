import Foundation
import Inspection
import LedgerCore
import Quality
import Testing
import TestSupport
@testable import creditsync

@Suite("creditsync inspect")
struct InspectCLITests {
    @Test("demo, then plan at HQ again, export trust, bundle, verify, a tampered copy, announce, compare three ways and record")
    func inspectorsDay() async throws {
        let directory = try TemporaryDirectory("inspect-cli")
        func path(_ name: String) -> String { directory.appending(name).path }
        let demo = try await CLI.run(["demo", "--keep", path("demo"), "--lang", "en"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Demo complete."))
        #expect(demo.stdout.contains("findings of Guangdong"))

        // The same plan again at HQ, from the notice, the secret and the checkpoint the demo drew at.
        let planned = try await CLI.run(["inspect", "plan", "--data", path("demo/hq"), "--province", "440000", "--inspection-id", "2026-HQ-INSP-017",
                                         "--secret", path("demo/inspection/2026-HQ-INSP-017.secret"), "--out", path("hq-plan.json")])
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(try Data(contentsOf: directory.appending("hq-plan.json")) == Data(contentsOf: directory.appending("demo/inspection/plan.json")))

        let exported = try await CLI.run(["hq", "keys", "export", "--data", path("demo/hq"), "--out", path("trust.json")])
        #expect(exported.status == 0 && exported.stdout.contains("440000 creditsync.samr/province/440000 log keys"), "\(exported.stderr)")
        let bundle = try await CLI.run(["inspect", "bundle", "--data", path("demo/hq"), "--province", "440000", "--plan", path("hq-plan.json"),
                                        "--trust", path("trust.json"), "--out", path("hq.bundle")])
        #expect(bundle.status == 0, "\(bundle.stderr)")
        #expect(bundle.stdout.contains("1 HQ receipts"))
        // The same records and log as the demo's bundle; the header differs only in the newest
        // checkpoint HQ had cosigned (the demo went on syncing).
        let ours = try BundleTests.lines(directory.appending("hq.bundle")), theirs = try BundleTests.lines(directory.appending("demo/inspection/2026-HQ-INSP-017.bundle"))
        #expect(ours.dropFirst() == theirs.dropFirst())
        #expect(try JSONParser.parse(ours[0])["plan"] == JSONParser.parse(theirs[0])["plan"])
        let verified = try await CLI.run(["inspect", "verify", path("hq.bundle"), "--trust", path("trust.json")])
        #expect(verified.status == 0 && verified.stdout.hasPrefix("ok:"), "\(verified.stderr)")
        #expect(verified.stdout.contains("key id ") && verified.stdout.contains("the province acknowledged it at entry"), "\(verified.stdout)")
        let untrusted = try await CLI.run(["inspect", "verify", path("hq.bundle")])
        #expect(untrusted.status != 0 && untrusted.stderr.contains("--trust"), "\(untrusted.stderr)")

        var damaged = try Data(contentsOf: directory.appending("hq.bundle"))
        damaged[damaged.count - 3] ^= 0x80
        try damaged.write(to: directory.appending("damaged.bundle"))
        let refused = try await CLI.run(["inspect", "verify", path("damaged.bundle"), "--trust", path("trust.json")])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("error: the bundle file is damaged"), "\(refused.stderr)")

        // A new inspection: announced, but the province has not synced since: no plan yet.
        let announce = ["inspect", "announce", "--data", path("demo/hq"), "--province", "440000", "--inspection-id", "2026-HQ-INSP-018",
                        "--strata", "admin_penalty=2,registration=1", "--secret-out", path("018.secret")]
        let announced = try await CLI.run(announce)
        #expect(announced.status == 0 && announced.stdout.contains("announced inspection 2026-HQ-INSP-018 to 440000"), "\(announced.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: path("018.secret"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let twice = try await CLI.run(announce)
        #expect(twice.status != 0 && twice.stderr.contains("exists already"), "\(twice.stderr)")
        let early = try await CLI.run(["inspect", "plan", "--data", path("demo/hq"), "--province", "440000", "--inspection-id", "2026-HQ-INSP-018",
                                       "--secret", path("018.secret"), "--out", path("018.json")])
        #expect(early.status == 4 && early.stderr.contains("has not acknowledged the notice"), "\(early.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("018.json")))

        // The three comparisons, plus one archive row the inspector left without a record id.
        var archive = try String(contentsOf: directory.appending("demo/inspection/archive.csv"), encoding: .utf8)
        archive += "registration,,entity.name,某公司,\r\n"
        try Data(archive.utf8).write(to: directory.appending("archive.csv"))
        let lines = archive.split(separator: "\r\n", omittingEmptySubsequences: false).count - 1
        let compared = try await CLI.run(["inspect", "compare", path("hq.bundle"), "--trust", path("trust.json"), "--key", path("demo/hq/inspection.key"),
                                          "--archive", path("archive.csv"), "--onsite", path("demo/inspection/onsite.csv"),
                                          "--checklist", path("demo/inspection/checklist.csv"), "--out", path("compared"), "--lang", "en"])
        #expect(compared.status == 3, "\(compared.stderr)")
        #expect(compared.stderr.contains("archive.csv:\(lines): a row needs a category and a record_id"), "\(compared.stderr)")
        #expect(compared.stdout.contains("differs 1") && compared.stdout.contains("archive_only 1") && compared.stdout.contains("reality_differs 1"), "\(compared.stdout)")
        #expect(compared.stdout.contains("checklist: yes 7, no 1"), "\(compared.stdout)")
        let csv = try Data(contentsOf: directory.appending("compared/comparison.csv"))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
        let html = try String(contentsOf: directory.appending("compared/report.html"), encoding: .utf8)
        #expect(html.contains("data-total-differs=\"1\"") && html.contains("lang=\"en\"") && html.contains("data-answer=\"no\""))

        // The demo recorded its own result: the same again stores nothing; this comparison (of
        // HQ's second bundle) is another result under the same id and is refused; a result given
        // with another bundle than it names is refused.
        let again = try await CLI.run(["inspect", "record", "--data", path("demo/hq"), "--result", path("demo/reports/inspection/comparison.json"),
                                       "--bundle", path("demo/inspection/2026-HQ-INSP-017.bundle")])
        #expect(again.status == 0 && again.stdout.hasPrefix("already recorded: inspection 2026-HQ-INSP-017 of 440000"), "\(again.stdout)\(again.stderr)")
        let second = try await CLI.run(["inspect", "record", "--data", path("demo/hq"), "--result", path("compared/comparison.json"), "--bundle", path("hq.bundle")])
        #expect(second.status != 0 && second.stderr.contains("is recorded with another result"), "\(second.stderr)")
        let foreign = try await CLI.run(["inspect", "record", "--data", path("demo/hq"), "--result", path("compared/comparison.json"),
                                         "--bundle", path("demo/inspection/2026-HQ-INSP-017.bundle")])
        #expect(foreign.status == 4 && foreign.stderr.contains("the result is of another bundle"), "\(foreign.stderr)")
    }
}
