import Foundation
import Quality
import Reconcile

extension AuditDocument {
    /// The document of a finished run.
    init(plan: AuditPlan, score: QualityScore, tally: AuditTally, read: MirrorRead, registerSize: UInt64, previous: AuditSummary?, createdAt: Date) {
        let rules = plan.rules
        var scores: [String: DimensionEntry] = [:]
        var ruleTotals: [String: (failing: Int, checked: Int)] = [:]
        for dimension in score.dimensions {
            scores[dimension.dimension.rawValue] = DimensionEntry(
                nameZh: dimension.dimension.chineseName, score: dimension.score, failing: dimension.failing, checked: dimension.checked,
                weight: dimension.weight, categories: dimension.categories)
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
        let trend = previous.map { previous in
            Trend(previousMonth: previous.month, previousCreatedAt: previous.createdAt,
                  overall: Change(previous: previous.overall, current: score.overall),
                  scores: Dictionary(uniqueKeysWithValues: QualityDimension.allCases.map { dimension in
                      (dimension.rawValue, Change(previous: previous.score(dimension), current: scores[dimension.rawValue]?.score))
                  }))
        }
        self.init(
            province: plan.province, provinceName: ProvinceNames.name(of: plan.province), month: plan.period.description,
            periodStart: plan.period.firstDay.iso, periodEnd: plan.period.lastDay.iso,
            createdAt: ISO8601DateFormatter().string(from: createdAt), mirror: read, register: RegisterRead(size: registerSize),
            rules: RulesUsed(version: rules.version, sha256: rules.sha256), calendarSHA256: plan.calendar.sha256,
            records: RecordCounts(local: tally.checked.values.reduce(0, +), revoked: tally.revokedRecords,
                                  recordedInPeriod: tally.timeliness.values.reduce(0, +), central: tally.centralRecords,
                                  findings: tally.findings, gaps: tally.gapCounts.values.reduce(0, +)),
            overall: Overall(score: score.overall, failing: score.failing, checked: score.checked),
            scores: scores, ruleCounts: ruleCounts, gapCounts: gapCounts, trend: trend)
    }
}

/// Province names for reports, from the bundled code tables (codes.json).
enum ProvinceNames {
    static let names: [String: String] = (try? DomainTables.bundled().nodes) ?? [:]

    static func name(of code: String) -> String? { names[code] }
}
