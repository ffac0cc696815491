import Foundation
import HQAudit
import HQNode
import HQStorage
import LedgerCore
import LineInput
import Mirroring
import ProvinceNode
import Quality
import Synthetic
import Testing
import TestSupport

/// The monthly audit checks that what HQ's feed delivered appears under its entity in the
/// province's own data, published, within the working days the rules file names, counted from the
/// push-down (issue 26 item 7; rules `push_down`, `timeliness.push_down_publicity`).
@Suite("Push-down publicity in the audit")
struct PushDownAuditTests {
    /// 10:00 in Beijing on `day`.
    static func beijing(_ day: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: "\(day)T02:00:00Z"))
    }

    static func importRisk(_ harness: SyncHarness, _ url: URL, at date: Date) async throws {
        let importer = try RiskImporter(data: harness.hqData, domain: try DomainTables.bundled(), rules: try QualityRules.bundled())
        _ = try await importer.run([.init(name: url.lastPathComponent, path: url.path)], now: { date }) { _ in }
    }

    static func receive(_ hq: RunningHQ, _ ledger: ProvinceLedger, at date: Date) async throws -> SyncClient.FeedSummary {
        let client = SyncClient(configuration: try await FeedTests.feedConfiguration(hq, ledger))
        return try await client.receiveFeed(ledger.store, signer: ledger.signer, now: { date })
    }

    static func audit(_ harness: SyncHarness, month: String) async throws -> [Finding] {
        try await auditDocument(harness, month: month).findings.filter { $0.rule == RuleID.pushDownPublicity }
    }

    static func auditDocument(_ harness: SyncHarness, month: String) async throws -> AuditDocument.File {
        let rules = try QualityRules.bundled()
        let period = try AuditPeriod(month)
        let plan = AuditPlan(province: "440000", period: period, rules: rules, calendar: try WorkingCalendar.bundled())
        let out = harness.directory.appending("audit-\(month)")
        _ = try await ProvinceAuditor(storage: harness.hqData.storage).run(plan, output: out)
        return try AuditDocument.read(out.appendingPathComponent(AuditFiles.document))
    }

    @Test("an item published on time passes; one published after the deadline, or never, is a finding in its month", arguments: StorageBackend.allCases)
    func publishedInTime(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let guangdong = try await harness.province("440000", records: 2)
        let pushed = try Self.beijing("2026-10-09")
        let due = try WorkingCalendar.bundled().date(20, workingDaysAfter: try #require(CivilDate(iso: "2026-10-09")))
        let late = try Self.beijing(due.adding(days: 3).iso)
        #expect(due.iso.hasPrefix("2026-11") && due.adding(days: 3).iso.hasPrefix("2026-11"))

        // Four items of one generator (distinct record ids), in three files.
        let (all, _) = try FeedTests.riskFile(harness.directory, seed: 51, divisions: [("440300", 4)])
        let lines = String(decoding: try Data(contentsOf: all), as: UTF8.self).split(separator: "\n")
        func file(_ name: String, _ part: ArraySlice<Substring>) throws -> URL {
            let url = harness.directory.appending(name)
            try Data(part.map { $0 + "\n" }.joined().utf8).write(to: url)
            return url
        }
        let (onTime, lateFile, neverFile) = (try file("a.ndjson", lines[0..<2]), try file("b.ndjson", lines[2..<3]), try file("c.ndjson", lines[3..<4]))
        func ids(_ url: URL) throws -> [String] {
            try String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8))["id"]!.stringValue! }
        }
        try await harness.withHQ { hq in
            _ = try await hq.sync(guangdong)
            try await Self.importRisk(harness, onTime, at: pushed)
            #expect(try await Self.receive(hq, guangdong, at: try Self.beijing("2026-10-12")).applied == 2)
            try await Self.importRisk(harness, lateFile, at: pushed)
            #expect(try await Self.receive(hq, guangdong, at: late).applied == 1)
            // Pushed down the same day; Guangdong never applies it.
            try await Self.importRisk(harness, neverFile, at: pushed)
            _ = try await hq.sync(guangdong)
        }

        // October: the two published on time pass, the others are not due yet.
        #expect(try await Self.audit(harness, month: "2026-10").isEmpty)
        // November: the late one in the month it was published, the missing one past its deadline.
        let november = try await Self.audit(harness, month: "2026-11")
        #expect(november.count == 2, "\(november.map(\.message))")
        let lateFinding = try #require(november.first { $0.id == (try? ids(lateFile))?.first })
        #expect(lateFinding.expected == due.iso && lateFinding.field == "published_at" && lateFinding.segment == .increment)
        #expect(lateFinding.message.contains("公示日期为 \(due.adding(days: 3).iso)"), "\(lateFinding.message)")
        let missing = try #require(november.first { $0.id == (try? ids(neverFile))?.first })
        #expect(missing.expected == due.iso && missing.message.contains("本省数据中仍没有该记录"), "\(missing.message)")
        // December: the late one is settled (published in November); the missing one is still a
        // finding, scored as one failing record of timeliness under this rule, not as a record
        // missing from every dimension.
        let december = try await Self.auditDocument(harness, month: "2026-12")
        #expect(december.findings.filter { $0.rule == RuleID.pushDownPublicity }.map(\.id) == [try ids(neverFile)[0]])
        let timeliness = try #require(december.header.scores["timeliness"])
        #expect(timeliness.rules.first { $0.rule == RuleID.pushDownPublicity && $0.category == "central_risk" }?.failing == 1, "\(timeliness.rules)")
        #expect(december.header.scores["comprehensiveness"]?.rules.contains { $0.rule == RuleID.missingLocal && $0.category == "central_risk" && $0.failing > 0 } != true)
    }
}
