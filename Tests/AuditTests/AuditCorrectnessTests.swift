import Foundation
import HQAudit
import HQNode
import HQStorage
import HQTestSupport
import LedgerCore
import LineInput
import Quality
import Reconcile
import Synthetic
import Testing
import TestSupport

@Suite("Audits find every injected defect and gap, and nothing on clean records")
struct AuditCorrectnessTests {
    typealias Key = AuditScenario.Key

    /// Mirrors `scenario.local` for 440000, imports `scenario.central` and returns the storage.
    static func load(_ scenario: AuditScenario, backend: StorageBackend) async throws -> StorageFixture {
        var fixture = try await StorageFixture(backend, records: [])
        fixture.append(try scenario.localRecords)
        try await fixture.mirrorLog(to: UInt64(scenario.local.count))
        let files = try scenario.writeCentral(to: fixture.directory.url)
        let summary = try await RegisterImporter(register: fixture.storage.register, provinces: ["440000", "310000"])
            .run(files.map { .init(name: $0.lastPathComponent, path: $0.path) }) { Issue.record("rejected \($0)") }
        #expect(summary.imported == scenario.central.count)
        return fixture
    }

    static func audit(_ fixture: StorageFixture, period: AuditPeriod, into name: String) async throws -> AuditDocument.File {
        let plan = AuditPlan(province: "440000", period: period, rules: AuditScenario.rules, calendar: AuditScenario.calendar, pageSize: 37)
        let directory = fixture.directory.appending(name)
        _ = try await ProvinceAuditor(storage: fixture.storage).run(plan, output: directory)
        return try AuditDocument.read(directory.appendingPathComponent(AuditFiles.document))
    }

    /// Recomputes every category, dimension and overall score of a published audit from its
    /// counts and weights, with the formula Protocol/audit.md states, independently of `Scorer`.
    static func recompute(_ document: AuditDocument.Scores) {
        func round(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }
        guard document.scores.values.contains(where: { !$0.categories.isEmpty }) else {
            #expect(document.overall == nil, "nothing to check: unscored")
            return
        }
        var weighted = 0.0
        var weights = 0.0
        for (name, entry) in document.scores {
            let ruleWeight = Dictionary(entry.rules.map { ($0.rule, $0.weight) }, uniquingKeysWith: { a, _ in a }).values.reduce(0, +)
            var sum = 0.0
            var categoryWeights = 0.0
            for category in entry.categories {
                let failures = entry.rules.filter { $0.category == category.category && $0.rule != RuleID.missingLocal }
                    .reduce(0.0) { $0 + $1.weight * Double($1.failing) }
                let exact = min(100, max(0, 100 - 100 * (failures + Double(category.missing) * ruleWeight) / Double(category.checked)))
                #expect(round(exact) == category.score, "\(name) \(category.category)")
                sum += category.weight * exact
                categoryWeights += category.weight
            }
            let dimension = categoryWeights > 0 ? sum / categoryWeights : 100
            #expect(round(dimension) == entry.score, "\(name)")
            weighted += entry.weight * dimension
            weights += entry.weight
        }
        #expect(round(weighted / weights) == document.overall)
    }

    @Test("clean data against an equal register: no finding, no gap, every score 100", arguments: StorageBackend.allCases)
    func clean(backend: StorageBackend) async throws {
        let scenario = AuditScenario.clean(count: 1_500, seed: 11)
        let fixture = try await Self.load(scenario, backend: backend)
        let file = try await Self.audit(fixture, period: scenario.period, into: "clean")
        #expect(file.findings.isEmpty, "\(file.findings.prefix(3).map { "\($0.rule) \($0.category)/\($0.id) \($0.messageEn)" })")
        #expect(file.gaps.isEmpty)
        let header = file.header
        #expect(header.overall.score == 100)
        #expect(QualityDimension.allCases.allSatisfy { header.scores[$0.rawValue]?.score == 100 })
        #expect(header.records.local == Set(scenario.local.map(AuditScenario.key)).count)
        #expect(header.records.recordedInPeriod > 0)
        #expect(header.mirror.size == UInt64(scenario.local.count) && header.mirror.checkpoint != nil)
        #expect(header.register.size == UInt64(scenario.central.count))
    }

    @Test("every rule and gap kind found where it was put, under its dimension", arguments: StorageBackend.allCases)
    func defects(backend: StorageBackend) async throws {
        let scenario = try AuditScenario.withDefects(count: 2_500, seed: 2026)
        let fixture = try await Self.load(scenario, backend: backend)
        let file = try await Self.audit(fixture, period: scenario.period, into: "audit")
        let rules = AuditScenario.rules

        // Per-record rules, each in the month that judges it.
        var audits: [AuditPeriod: AuditDocument.File] = [scenario.period: file]
        for expected in scenario.injected {
            if audits[expected.month] == nil { audits[expected.month] = try await Self.audit(fixture, period: expected.month, into: "audit-\(expected.month)") }
            let found = audits[expected.month]!.findings.filter { $0.rule == expected.rule && Key(category: $0.category, id: $0.id) == expected.key }
            #expect(found.count == 1, "\(expected.rule) on \(expected.key) in \(expected.month)")
            #expect(found.first?.dimension == rules.rule(expected.rule)?.dimension)
        }
        #expect(Set(scenario.injected.map(\.rule)) == Set(AuditScenario.injector.recordRules))
        // Cross-record rules, each in its entity story.
        for (rule, keys) in scenario.stories {
            let found = file.findings.filter { $0.rule == rule && keys.contains(Key(category: $0.category, id: $0.id)) }
            #expect(found.count == 1, "\(rule) in its story: \(found.map { "\($0.category)/\($0.id)" })")
            #expect(found.first?.dimension == rules.rule(rule)?.dimension)
        }
        #expect(Set(scenario.stories.keys) == Set(AuditScenario.injector.groupRules))

        // Gaps: exactly the keys changed, under their kinds.
        var gaps: [Gap.Kind: Set<Key>] = [:]
        for gap in file.gaps { gaps[gap.kind, default: []].insert(Key(category: gap.category, id: gap.id)) }
        #expect(gaps == scenario.gaps)
        #expect(Set(gaps.keys) == Set(Gap.Kind.allCases))
        for gap in file.gaps where gap.kind == .conflict {
            #expect(gap.fields == [scenario.conflictPaths[Key(category: gap.category, id: gap.id)]!])
        }
        // A differing value's expected value is the centre's.
        #expect(file.findings.filter { $0.rule == RuleID.centralLocalDiffers }.allSatisfy { $0.expected == "总局更正" })
        // The caller rules: a conflict is an accuracy finding, a record missing locally a comprehensiveness one.
        let differs = Set(file.findings.filter { $0.rule == RuleID.centralLocalDiffers }.map { Key(category: $0.category, id: $0.id) })
        #expect(differs == scenario.gaps[.conflict])
        let missing = Set(file.findings.filter { $0.rule == RuleID.missingLocal }.map { Key(category: $0.category, id: $0.id) })
        #expect(missing == scenario.gaps[.missingLocal])
        // One decision under two ids is paired by business key (decision number + USCC): one
        // conflict or a match, each with an id_differs finding, never a missing pair.
        let idDiffers = file.findings.filter { $0.rule == RuleID.idDiffers }
        #expect(Set(idDiffers.map { Key(category: $0.category, id: $0.id) }) == scenario.idDiffers)
        #expect(idDiffers.allSatisfy { $0.expected == $0.id + "-HQ" && $0.businessKey != nil })
        #expect(!file.gaps.contains { $0.id.hasSuffix("-HQ") }, "no missing_local for the central id")
        // Every gap kind is a defect of the province, under a rule of its own (issue 25 item 1):
        // a record HQ lacks is incomplete reporting, a one-sided revocation a failed 同步修复.
        var gapFindings: Set<Key> = []
        for (kind, rule) in [(Gap.Kind.missingCentral, RuleID.missingCentral), (.revokedLocalActiveCentral, RuleID.revokedLocallyActiveCentrally),
                             (.revokedCentralActiveLocal, RuleID.revokedCentrallyActiveLocally)] {
            let found = file.findings.filter { $0.rule == rule }
            let keys = Set(found.map { Key(category: $0.category, id: $0.id) })
            #expect(keys == scenario.gaps[kind], "\(rule)")
            #expect(found.count == keys.count, "\(rule): one finding per record")
            #expect(found.allSatisfy { $0.dimension == rules.rule(rule)?.dimension } && rules.rule(rule)?.weight == 1, "\(rule) is scored")
            gapFindings.formUnion(keys)
        }

        // Nothing on clean records: every finding is on a record changed on purpose or on an entity one touches.
        var entity: [Key: String] = [:]
        for value in scenario.local { entity[AuditScenario.key(value)] = value.value(at: "entity.uscc")?.stringValue }
        let changed = Set(scenario.injected.map(\.key)).union(scenario.stories.values.joined()).union(differs).union(missing).union(gapFindings).union(scenario.idDiffers)
        let stray = file.findings.filter { finding in
            let key = Key(category: finding.category, id: finding.id)
            return !changed.contains(key) && !(entity[key].map(scenario.touchedEntities.contains) ?? false)
        }
        #expect(stray.isEmpty, "\(stray.prefix(5).map { "\($0.rule) \($0.category)/\($0.id): \($0.messageEn)" })")

        // The scores' numerators are the distinct local records the findings name, plus the
        // records HQ holds and the province lacks, which fail every dimension.
        let header = file.header
        let missingCount = scenario.gaps[.missingLocal]!.count
        var failing: [QualityDimension: Set<Key>] = [:]
        for finding in file.findings where finding.rule != RuleID.missingLocal {
            failing[finding.dimension, default: []].insert(Key(category: finding.category, id: finding.id))
        }
        for dimension in QualityDimension.allCases {
            #expect(header.scores[dimension.rawValue]?.failing == (failing[dimension]?.count ?? 0) + missingCount, "\(dimension)")
        }
        let localFailing = Set(file.findings.filter { $0.rule != RuleID.missingLocal }.map { Key(category: $0.category, id: $0.id) })
        #expect(header.overall.failing == localFailing.count)
        // Denominators: the local state, plus the central records missing locally in every dimension.
        let state = Set(scenario.local.map(AuditScenario.key))
        #expect(header.overall.checked == state.count)
        #expect(header.scores["comprehensiveness"]?.checked == state.count + missingCount)
        #expect(header.scores["accuracy"]?.checked == state.count + missingCount)
        let withDeadlines = Set(rules.deadlines.flatMap(\.categories))
        var latest: [Key: JSONValue] = [:]
        for value in scenario.local { latest[AuditScenario.key(value)] = value }
        let recordedInPeriod = latest.values.filter { value in
            value["op"]?.stringValue == "upsert" && withDeadlines.contains(value["category"]!.stringValue!)
                && (value["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) }).map(scenario.period.contains) == true
        }
        #expect(header.scores["timeliness"]?.checked == recordedInPeriod.count + missingCount)
        for dimension in QualityDimension.allCases { #expect((header.scores[dimension.rawValue]?.score ?? 0) < 100) }

        // Every score recomputes from audit.json alone (the published counts and weights).
        Self.recompute(header.allScores)
        for segment in header.segments.values {
            Self.recompute(AuditDocument.Scores(overall: segment.overall.score, scores: segment.scores))
        }

        // The audit names what it read.
        #expect(header.mirror.size == UInt64(scenario.local.count))
        #expect(header.rules.sha256 == rules.sha256 && header.calendarSHA256 == AuditScenario.calendar.sha256)
    }
}
