import HQStorage
import LedgerCore
import Quality
import Reconcile

/// `timeliness.push_down_publicity` (issue 26 item 7, the rules file's `push_down`): what HQ's
/// feed delivered must appear under its entity in the province's data, published, within the
/// working days the rules file names, counted from the day HQ pushed it down. A published record
/// is judged in the month it was published (late or not); an item the province still lacks, or
/// holds unpublished, is a finding in every month from the one its deadline passes in.
extension AuditRun {
    /// The push-down check of a local record HQ's feed delivered: a finding when it was published
    /// late (in this month) or not at all past the deadline; `judged` when the check applied this
    /// month. Takes the item off the list, so what is left after the merge is what the province lacks.
    mutating func pushDownCheck(_ row: StateRow) throws -> (finding: Finding?, judged: Bool) {
        guard let rule = plan.rules.pushDown, let item = pushedDown.items.removeValue(forKey: StateKey(category: row.category, id: row.id)),
              let due = try? checker.calendar.date(rule.workingDays, workingDaysAfter: item.pushedOn) else { return (nil, false) }
        let record = try AuditRecord(canonical: row.bytes, members: row.members, index: row.index)
        let period = plan.period
        if let published = record.publishedOn {
            guard period.contains(published) else { return (nil, false) }
            guard published > due else { return (nil, true) }
            let finding = checker.callerFinding(
                RuleID.pushDownPublicity, for: record, field: "published_at", value: record.publishedAt, expected: due.iso,
                detail: ("总局于 \(item.pushedOn.iso) 推送（推送第 \(item.index) 条），应于 \(due.iso) 前记于企业名下并公示（\(rule.workingDays) 个工作日），公示日期为 \(published.iso)",
                         "HQ pushed it down on \(item.pushedOn.iso) (feed entry \(item.index)); due under the entity, published, by \(due.iso) (\(rule.workingDays) working days); published \(published.iso)"))
            return (finding, true)
        }
        guard due < period.lastDay else { return (nil, false) }
        let finding = checker.callerFinding(
            RuleID.pushDownPublicity, for: record, field: "published_at", expected: due.iso,
            detail: ("总局于 \(item.pushedOn.iso) 推送（推送第 \(item.index) 条），应于 \(due.iso) 前公示，至审计期末 \(period.lastDay.iso) 仍无公示日期",
                     "HQ pushed it down on \(item.pushedOn.iso) (feed entry \(item.index)); due published by \(due.iso); still no published_at at the end of the period, \(period.lastDay.iso)"))
        return (finding, true)
    }

    /// The items HQ's feed delivered that the province's data does not hold at all, once the
    /// merge has taken off those it does: past their deadline (and in the audit's scope), each
    /// is a record of its category that fails timeliness under this rule, as if the province had
    /// it unpublished, so lacking an item never scores better than publishing it late.
    mutating func checkPushDownMissing() async throws {
        guard let rule = plan.rules.pushDown, let feed = pushedDown.feed else { return }
        let period = plan.period
        for (key, item) in pushedDown.items.sorted(by: { ($0.key.category, $0.key.id) < ($1.key.category, $1.key.id) }) {
            guard let due = try? checker.calendar.date(rule.workingDays, workingDaysAfter: item.pushedOn), due < period.lastDay,
                  let entry = try await feed.entries(from: item.index, to: item.index + 1).first else { continue }
            let record = try AuditRecord(bytes: entry)
            guard Self.inScope(occurred: record.occurredAt, period: period, years: plan.rules.scopeYears) else { continue }
            let finding = checker.callerFinding(
                RuleID.pushDownPublicity, for: record, value: key.id, expected: due.iso,
                detail: ("总局于 \(item.pushedOn.iso) 推送（推送第 \(item.index) 条），应于 \(due.iso) 前记于企业名下并公示，至审计期末 \(period.lastDay.iso) 本省数据中仍没有该记录",
                         "HQ pushed it down on \(item.pushedOn.iso) (feed entry \(item.index)); due under the entity, published, by \(due.iso); the province's data still lacks it at the end of the period, \(period.lastDay.iso)"))
            let segment: Finding.Segment = period.contains(item.pushedOn) ? .increment : .stock
            tally.checked(category: key.category, segment: segment, timeliness: true)
            var seen: Set<String> = []
            let findings = finding.map { [$0] } ?? []
            tally.settle(category: key.category, segment: segment, mask: tally.count(findings, category: key.category, segment: segment, seen: &seen))
            for finding in findings { try write(finding, segment: segment) }
        }
        pushedDown.items.removeAll()
    }
}
