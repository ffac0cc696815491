import Foundation
import Quality
import Reconcile

extension AuditDocument {
    /// The document of a finished run.
    static func entries(_ score: QualityScore) -> [String: DimensionEntry] {
        var scores: [String: DimensionEntry] = [:]
        for dimension in score.dimensions {
            scores[dimension.dimension.rawValue] = DimensionEntry(
                nameZh: dimension.dimension.chineseName, score: dimension.score, failing: dimension.failing, checked: dimension.checked,
                weight: dimension.weight, categories: dimension.categories, rules: dimension.rules)
        }
        return scores
    }

    init(plan: AuditPlan, score: QualityScore, segmentScores: [Finding.Segment: QualityScore], segmentFindings: [Finding.Segment: Int],
         tally: AuditTally, read: MirrorRead, registerSize: UInt64, previous: AuditSummary?, createdAt: Date) {
        let rules = plan.rules
        let scores = Self.entries(score)
        var ruleTotals: [String: (failing: Int, checked: Int)] = [:]
        for dimension in score.dimensions {
            for count in dimension.rules {
                ruleTotals[count.rule, default: (0, 0)].failing += count.failing
                ruleTotals[count.rule, default: (0, 0)].checked += count.checked
            }
        }
        let ruleCounts = rules.catalogue.map { definition in
            RuleEntry(rule: definition.id, dimension: definition.dimension, name: definition.name, nameEn: definition.nameEn,
                      weight: definition.weight, failing: ruleTotals[definition.id]?.failing ?? 0,
                      checked: ruleTotals[definition.id]?.checked ?? 0, findings: tally.rows[definition.id] ?? 0)
        }
        var gapCounts: [String: Int] = [:]
        for kind in Gap.Kind.allCases { gapCounts[kind.rawValue] = tally.gapCounts[kind] ?? 0 }
        var segments: [String: SegmentEntry] = [:]
        for segment in Finding.Segment.allCases {
            guard let part = segmentScores[segment] else { continue }
            segments[segment.rawValue] = SegmentEntry(overall: Overall(score: part.overall, failing: part.failing, checked: part.checked),
                                                      scores: Self.entries(part), findings: segmentFindings[segment] ?? 0)
        }
        let increment = segmentScores[.increment]?.overall
        let trend = previous.map { previous in
            Trend(previousMonth: previous.month, previousCreatedAt: previous.createdAt,
                  overall: Change(previous: previous.overall, current: score.overall),
                  increment: Change(previous: previous.increment, current: increment),
                  scores: Dictionary(uniqueKeysWithValues: QualityDimension.allCases.map { dimension in
                      (dimension.rawValue, Change(previous: previous.score(dimension), current: scores[dimension.rawValue]?.score))
                  }))
        }
        self.init(
            province: plan.province, provinceName: ProvinceNames.name(of: plan.province), month: plan.period.description,
            periodStart: plan.period.firstDay.iso, periodEnd: plan.period.lastDay.iso,
            createdAt: ISO8601DateFormatter().string(from: createdAt), mirror: read, register: RegisterRead(size: registerSize),
            rules: RulesUsed(version: rules.version, sha256: rules.sha256), calendarSHA256: plan.calendar.sha256,
            records: RecordCounts(local: tally.all.checked.values.reduce(0, +), revoked: tally.revokedRecords,
                                  recordedInPeriod: tally.segments[.increment]?.checked.values.reduce(0, +) ?? 0, central: tally.centralRecords,
                                  findings: tally.findings, gaps: tally.gapCounts.values.reduce(0, +), outOfScope: tally.outOfScope),
            overall: Overall(score: score.overall, failing: score.failing, checked: score.checked),
            scores: scores, ruleCounts: ruleCounts, gapCounts: gapCounts, segments: segments, trend: trend)
    }
}

/// Province names for reports, from the bundled code tables (codes.json).
enum ProvinceNames {
    static let names: [String: String] = (try? DomainTables.bundled().nodes) ?? [:]

    static func name(of code: String) -> String? { names[code] }
}
