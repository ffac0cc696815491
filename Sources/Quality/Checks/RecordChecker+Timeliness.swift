import LedgerCore

extension RecordChecker {
    /// A working-day count between two dates, as far as the calendar can tell.
    enum Count {
        case exact(Int)
        /// The covered part alone already has this many: the true count is at least this (0 when
        /// the calendar covers none of it).
        case atLeast(Int)
    }

    /// Working days d with `start < d ≤ end`; exact when the calendar covers both dates, else a
    /// lower bound from the covered part (enough to prove lateness, never to excuse it).
    func count(after start: CivilDate, through end: CivilDate) -> Count {
        if let exact = try? calendar.workingDays(after: start, through: end) { return .exact(exact) }
        let low = max(start, calendar.firstDay.adding(days: -1))
        let high = min(end, calendar.lastDay)
        guard low < high, let covered = try? calendar.workingDays(after: low, through: high) else { return .atLeast(0) }
        return .atLeast(covered)
    }

    /// `recordedInPeriod` false: only overdue missing dates are judged (see `RecordChecker`).
    func checkTimeliness(_ category: CompiledCategory, root: RecordJSON, period: AuditPeriod, recordedInPeriod: Bool, into list: inout FindingList) {
        var uncovered: (zh: String, en: String)?
        for deadline in category.deadlines {
            if !recordedInPeriod, case .workingDays(_, _, _, _, false) = deadline.rule.kind { continue }
            if !recordedInPeriod, case .annualWindow = deadline.rule.kind { continue }
            guard deadline.when.allSatisfy({ RecordPath.holds(root, $0.components, $0.value) }) else { continue }
            let rule = deadline.rule
            switch rule.kind {
            case .workingDays(_, let toPath, let limit, let plusYears, let lateWhenMissing):
                guard let fromText = RecordPath.string(root, deadline.from), !nonstandardSentinels.contains(fromText),
                      let fromDate = RecordPath.date(fromText) else { continue }
                let start = fromDate.adding(years: plusYears)
                /// The start as findings describe it; built only for a finding.
                func described() -> (zh: String, en: String) {
                    let from = deadline.from.joined(separator: ".")
                    return plusYears == 0 ? ("\(deadline.fromLabel) \(fromText)", "\(from) \(fromText)")
                        : ("\(deadline.fromLabel) \(fromText) 起满 \(plusYears) 年（\(start.iso)）", "\(plusYears) years after \(from) \(fromText) (\(start.iso))")
                }
                let toValue = RecordPath.lookup(root, deadline.to)
                if RecordPath.isEmpty(toValue) {
                    guard lateWhenMissing else { continue }
                    guard let due = try? calendar.date(limit, workingDaysAfter: start) else {
                        if recordedInPeriod { uncovered = uncovered ?? Self.uncoveredDetail(start, period.lastDay, deadline) }
                        continue
                    }
                    if due < period.lastDay {
                        let (startText, startTextEn) = described()
                        list.add(rule.rule, field: toPath, label: deadline.toLabel, expected: due.iso,
                                 detail: ("\(rule.label)：\(startText) 起 \(limit) 个工作日内（\(due.iso) 前）应完成，至审计期末 \(period.lastDay.iso) 仍无“\(deadline.toLabel)”",
                                          "\(rule.labelEn): due within \(limit) working days of \(startTextEn), by \(due.iso); \(toPath) still missing at the end of the period, \(period.lastDay.iso)"))
                    }
                    continue
                }
                guard recordedInPeriod, let toText = toValue?.stringValue, let end = RecordPath.date(toText) else { continue }
                let late: Int
                var bound = false
                switch count(after: start, through: end) {
                case .exact(let days):
                    late = days
                case .atLeast(let days) where days > limit:
                    late = days
                    bound = true
                case .atLeast:
                    uncovered = uncovered ?? Self.uncoveredDetail(start, end, deadline)
                    continue
                }
                if late > limit {
                    let (startText, startTextEn) = described()
                    list.add(rule.rule, field: toPath, label: deadline.toLabel, value: toText,
                             expected: (try? calendar.date(limit, workingDaysAfter: start))?.iso,
                             detail: ("\(rule.label)超期：\(startText) 至 \(deadline.toLabel) \(toText) 共\(bound ? "至少" : "") \(late) 个工作日，期限为 \(limit) 个工作日",
                                      "\(rule.labelEn) late: \(bound ? "at least " : "")\(late) working days from \(startTextEn) to \(toPath) \(toText), limit \(limit)"))
                }
            case .annualWindow(let yearPath, let datePath, let month, let day):
                guard let yearText = RecordPath.string(root, deadline.from), let year = CivilDate.parseYear(yearText),
                      let dateText = RecordPath.string(root, deadline.to), let date = RecordPath.date(dateText) else { continue }
                let due = CivilDate(year: year + 1, month: month, day: min(day, CivilDate.daysIn(year: year + 1, month: month)))
                if date > due {
                    list.add(rule.rule, field: datePath, label: deadline.toLabel, value: dateText, expected: due.iso,
                             detail: ("\(year) 年度报告应于 \(due.iso) 前报送，“\(deadline.toLabel)”为 \(dateText)",
                                      "the report for \(year) (\(yearPath)) was due by \(due.iso); \(datePath) is \(dateText)"))
                }
            }
        }
        if let uncovered {
            list.add(RuleID.calendarNotCovered, detail: uncovered)
        }
    }

    /// Whether a deadline with `missing: late_after_deadline` has passed by the period's end with
    /// its date still missing: such a record is judged again in every month until it arrives.
    func hasOverdueMissing(_ category: CompiledCategory, root: RecordJSON, period: AuditPeriod) -> Bool {
        category.deadlines.contains { deadline in
            guard case .workingDays(_, _, let limit, let plusYears, true) = deadline.rule.kind,
                  deadline.when.allSatisfy({ RecordPath.holds(root, $0.components, $0.value) }),
                  RecordPath.isEmpty(RecordPath.lookup(root, deadline.to)),
                  let fromText = RecordPath.string(root, deadline.from), !nonstandardSentinels.contains(fromText),
                  let fromDate = RecordPath.date(fromText),
                  let due = try? calendar.date(limit, workingDaysAfter: fromDate.adding(years: plusYears)) else { return false }
            return due < period.lastDay
        }
    }

    static func uncoveredDetail(_ start: CivilDate, _ end: CivilDate, _ deadline: CompiledDeadline) -> (zh: String, en: String) {
        ("工作日历未覆盖 \(start.iso) 至 \(end.iso) 所在年份，无法判断“\(deadline.rule.label)”是否超期",
         "the working-day calendar does not cover \(start.iso) to \(end.iso); cannot decide \(deadline.rule.labelEn) timeliness")
    }
}
