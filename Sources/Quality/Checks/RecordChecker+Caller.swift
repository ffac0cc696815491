import LedgerCore

extension RecordChecker {
    /// Whether `record` is in the timeliness population of `period`: an `upsert` of a category
    /// with at least one deadline, recorded (its `recorded_at` civil date) in the period, or
    /// recorded before it with a date still missing past its deadline. The denominator of the
    /// timeliness score, as `check` judges exactly these records on time.
    public func isTimelinessChecked(_ record: AuditRecord, period: AuditPeriod) -> Bool {
        guard record.op == .upsert, let category = categories[record.category], !category.deadlines.isEmpty,
              let recorded = record.recordedOn, recorded <= period.lastDay else { return false }
        return period.contains(recorded) || hasOverdueMissing(category, root: record.json, period: period)
    }

    /// A finding of a rule whose scope is `caller` (`comprehensiveness.missing_local`,
    /// `accuracy.central_local_differs`): the caller decides, the catalogue supplies the texts.
    /// Nil when the rules file disables the rule.
    public func callerFinding(_ rule: String, for record: AuditRecord, field: String? = nil, value: String? = nil, expected: String? = nil,
                              detail: (zh: String, en: String)) -> Finding? {
        var list = FindingList(record, catalogue: catalogue)
        list.add(rule, field: field, label: field.flatMap { label(of: $0, category: record.category) }, value: value, expected: expected, detail: detail)
        return list.findings.first
    }

    /// The record's business key (`categories.<c>.business_key`) as one string, category first
    /// (0x1F between parts); nil when its category has none or a part is missing or empty.
    public func businessKey(of record: AuditRecord) -> String? {
        guard let paths = catalogue.businessKeys[record.category], !paths.isEmpty else { return nil }
        var key = record.category
        for path in paths {
            guard let part = RecordPath.string(record.json, path), !part.isEmpty else { return nil }
            key += "\u{1F}" + part
        }
        return key
    }

    /// The Chinese name of a field path in `category`, or of an envelope field.
    public func label(of path: String, category: String) -> String? {
        rules.category(category)?.fields.first { $0.path == path }?.label ?? rules.envelope.first { $0.path == path }?.label
    }
}
