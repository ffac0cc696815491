import Foundation
import HQAudit
import HQTestSupport
import LedgerCore
import Quality
import Synthetic
import Testing
import TestSupport

/// Scope and stock vs increment (2023-25, line 33: "近三年企业数据"; "对其中能够修正的数据予以修正，
/// 不能修改的完善工作机制，防止增量数据质量问题产生"), and a problem list that can be dispatched, through
/// whole audits on both backends.
@Suite("Audits split stock from increment, keep to three years, and give each finding a stable id")
struct AuditSegmentTests {
    typealias Key = AuditScenario.Key
    static let badUSCC = "91440000MA0000000X"

    @Test("stock and increment scored apart; older than three years counted, not checked; a finding keeps its id",
          arguments: StorageBackend.allCases)
    func segments(backend: StorageBackend) async throws {
        var scenario = AuditScenario.clean(count: 1_500, seed: 31)
        let period = scenario.period
        func recorded(_ value: JSONValue) -> CivilDate? { value["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) } }
        let single = scenario.singles("admin_penalty")
        let increment = try #require(single.first { recorded(scenario.local[$0]).map(period.contains) == true })
        let stock = try #require(single.first { recorded(scenario.local[$0]).map { $0 < period.firstDay } == true })
        let old = try #require(single.first { $0 != increment && $0 != stock })
        for index in [increment, stock, old] {
            scenario.local[index] = scenario.local[index].setting("source.uscc", to: .string(Self.badUSCC))
        }
        // Stamped in UTC late on the month's eve: in Beijing it was recorded on the month's first
        // day, so it is increment (issue 25 item 8: Z is converted before the date is taken).
        let eve = period.firstDay.adding(days: -1).iso
        let decided = period.firstDay.adding(days: -2).iso
        scenario.local[increment] = scenario.local[increment].setting("recorded_at", to: .string("\(eve)T17:00:00Z"))
            .setting("published_at", to: .string("\(eve)T17:30:00Z"))
            .setting("occurred_at", to: .string(decided)).setting("fields.decision_date", to: .string(decided))
        // Decided four years before the month: outside the three-year window, defect or not.
        let longAgo = period.lastDay.adding(years: -4).iso
        scenario.local[old] = scenario.local[old].setting("occurred_at", to: .string(longAgo)).setting("fields.decision_date", to: .string(longAgo))
        // A registration older than the window is not checked, yet still registers its entity:
        // the increment penalty's entity is registered long ago.
        let uscc = try #require(scenario.local[increment].value(at: "entity.uscc")?.stringValue)
        let registrations = scenario.local.indices.filter {
            scenario.local[$0]["category"]?.stringValue == "registration" && scenario.local[$0].value(at: "entity.uscc")?.stringValue == uscc
        }
        try #require(!registrations.isEmpty, "the generator registers every entity")
        for index in registrations {
            scenario.local[index] = scenario.local[index].setting("occurred_at", to: .string(longAgo))
        }
        scenario.central = scenario.local.map(AuditScenario.centralCopy)
        let fixture = try await AuditCorrectnessTests.load(scenario, backend: backend)
        let file = try await AuditCorrectnessTests.audit(fixture, period: period, into: "audit")

        func found(_ file: AuditDocument.File, _ index: Int) -> [Finding] {
            file.findings.filter { Key(category: $0.category, id: $0.id) == AuditScenario.key(scenario.local[index]) && $0.rule == RuleID.usccCheck }
        }
        #expect(found(file, increment).map(\.segment) == [.increment])
        #expect(found(file, stock).map(\.segment) == [.stock])
        #expect(found(file, old).isEmpty, "out of scope: not checked")
        #expect(file.findings.count == 2, "\(file.findings.map { "\($0.rule) \($0.id)" })")
        let header = file.header
        #expect(header.records.outOfScope == 1 + Set(registrations.map { AuditScenario.key(scenario.local[$0]) }).count)
        #expect(!file.findings.contains { $0.rule == RuleID.noRegistration }, "an old registration still registers")

        // Each segment is scored over its own records; together they are the whole.
        var latest: [Key: JSONValue] = [:]
        for value in scenario.local { latest[AuditScenario.key(value)] = value }
        let outOfScope = Set([AuditScenario.key(scenario.local[old])] + registrations.map { AuditScenario.key(scenario.local[$0]) })
        let inScope = latest.filter { !outOfScope.contains($0.key) }
        let recordedInMonth = inScope.values.filter { recorded($0).map(period.contains) == true }.count
        let incrementPart = try #require(header.segments["increment"])
        let stockPart = try #require(header.segments["stock"])
        #expect(incrementPart.overall.checked == recordedInMonth && header.records.recordedInPeriod == recordedInMonth)
        #expect(stockPart.overall.checked == inScope.count - recordedInMonth)
        #expect(incrementPart.overall.checked + stockPart.overall.checked == header.overall.checked)
        #expect(incrementPart.overall.failing == 1 && stockPart.overall.failing == 1)
        #expect(incrementPart.findings == 1 && stockPart.findings == 1)
        #expect((incrementPart.scores["accuracy"]?.score ?? 100) < 100 && (stockPart.scores["accuracy"]?.score ?? 100) < 100)
        #expect(incrementPart.scores["accuracy"]?.checked == recordedInMonth)

        // The dispatchable row: entity, business key (the decision number), the producing unit.
        let row = try #require(found(file, increment).first)
        let record = scenario.local[increment]
        #expect(row.uscc == record.value(at: "entity.uscc")?.stringValue && row.entityName == record.value(at: "entity.name")?.stringValue)
        #expect(row.businessKey == record.value(at: "fields.decision_no")?.stringValue)
        #expect(row.sourceUnit == record.value(at: "fields.authority")?.stringValue && row.sourceCode == record.value(at: "fields.authority_uscc")?.stringValue)
        #expect(row.recordedOn == recorded(record)?.iso)
        // The expected value: the USCC with its right check characters (positions 17 and 18).
        #expect(row.expected?.count == 18 && row.expected?.hasPrefix(String(Self.badUSCC.prefix(16))) == true && row.expected != Self.badUSCC)
        #expect(USCC.check(row.expected ?? "") == .valid)

        // Next month, the same data: the month's defect is now stock, under the same finding id,
        // and the headline trend compares the increment scores.
        let next = try AuditPeriod(year: period.month == 12 ? period.year + 1 : period.year, month: period.month % 12 + 1)
        let later = try await AuditCorrectnessTests.audit(fixture, period: next, into: "audit-next")
        let again = try #require(found(later, increment).first)
        #expect(again.segment == .stock && again.findingID == row.findingID)
        #expect(found(later, stock).first?.findingID == found(file, stock).first?.findingID)
        #expect(later.header.trend?.increment.previous == incrementPart.overall.score)
        #expect(later.header.segments["increment"]?.overall.checked == 0)
    }
}
