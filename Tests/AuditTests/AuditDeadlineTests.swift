import Foundation
import HQAudit
import HQTestSupport
import LedgerCore
import Quality
import Synthetic
import Testing
import TestSupport

/// The deadlines the notices state (Guangdong 2024, quality.md's table), through whole audits on
/// both backends: licences and penalties are published within 20 working days, and a record never
/// published is a finding in every month from the one its deadline passes in.
@Suite("Audits apply the notices' publication deadline month by month")
struct AuditDeadlineTests {
    typealias Key = AuditScenario.Key

    @Test("a penalty never published is found every month from its deadline; one published on working day 15 is on time",
          arguments: StorageBackend.allCases)
    func publication(backend: StorageBackend) async throws {
        var scenario = AuditScenario.clean(count: 400, seed: 25)
        let calendar = AuditScenario.calendar
        let penalties = scenario.singles("admin_penalty")
        try #require(penalties.count >= 2)
        func decided(_ index: Int) throws -> CivilDate { try #require(scenario.local[index]["occurred_at"]?.stringValue.flatMap { CivilDate(iso: $0) }) }

        // Never published.
        let unpublished = penalties[0]
        scenario.local[unpublished] = scenario.local[unpublished].setting("published_at", to: nil)
        let due = try calendar.date(20, workingDaysAfter: try decided(unpublished))
        // Published on working day 15 (late under the old 7-day rule on the same field).
        let day15 = penalties[1]
        let published = try calendar.date(15, workingDaysAfter: try decided(day15))
        scenario.local[day15] = scenario.local[day15].setting("published_at", to: .string("\(published.iso)T10:00:00+08:00"))
        scenario.central = scenario.local.map(AuditScenario.centralCopy)

        let fixture = try await AuditCorrectnessTests.load(scenario, backend: backend)
        let unpublishedKey = AuditScenario.key(scenario.local[unpublished])
        let day15Key = AuditScenario.key(scenario.local[day15])
        func publicity(_ file: AuditDocument.File, _ key: Key) -> [Finding] {
            file.findings.filter { $0.rule == "timeliness.publicity" && Key(category: $0.category, id: $0.id) == key }
        }

        // The month the deadline passes in, and the two after: one finding each, on the same record.
        let first = AuditPeriod(containing: due) == AuditPeriod(containing: due.adding(days: 1)) ? AuditPeriod(containing: due)
            : AuditPeriod(containing: due.adding(days: 1))
        var month = first
        for _ in 0..<3 {
            let file = try await AuditCorrectnessTests.audit(fixture, period: month, into: "audit-\(month)")
            let found = publicity(file, unpublishedKey)
            #expect(found.count == 1, "\(month): \(found.map(\.messageEn))")
            #expect(found.first?.field == "published_at" && found.first?.messageEn.contains(due.iso) == true, "\(found.first?.messageEn ?? "")")
            // The timeliness population: the records recorded in the month, and the unpublished
            // penalty in every month after the one it was recorded in.
            let withDeadlines = Set(AuditScenario.rules.deadlines.flatMap(\.categories))
            var latest: [Key: JSONValue] = [:]
            for value in scenario.local { latest[AuditScenario.key(value)] = value }
            let recordedIn = latest.values.filter { value in
                value["op"]?.stringValue == "upsert" && withDeadlines.contains(value["category"]?.stringValue ?? "")
                    && (value["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) }).map(month.contains) == true
            }.count
            let carried = AuditPeriod(containing: try #require(scenario.local[unpublished]["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) })) < month
            #expect(file.header.scores["timeliness"]?.checked == recordedIn + (carried ? 1 : 0), "\(month)")
            #expect(file.header.scores["timeliness"]?.failing == 1, "\(month)")
            month = try AuditPeriod(year: month.month == 12 ? month.year + 1 : month.year, month: month.month % 12 + 1)
        }
        // Before the deadline passes: nothing.
        let recordedMonth = try #require(scenario.local[unpublished]["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) }.map(AuditPeriod.init(containing:)))
        if recordedMonth < first {
            let early = try await AuditCorrectnessTests.audit(fixture, period: recordedMonth, into: "audit-early")
            #expect(publicity(early, unpublishedKey).isEmpty)
        }
        // Working day 15: on time, in the month it was recorded.
        let day15Month = try #require(scenario.local[day15]["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) }.map(AuditPeriod.init(containing:)))
        let onTime = try await AuditCorrectnessTests.audit(fixture, period: day15Month, into: "audit-day15")
        #expect(onTime.findings.filter { Key(category: $0.category, id: $0.id) == day15Key && $0.dimension == .timeliness }.isEmpty)
    }
}
