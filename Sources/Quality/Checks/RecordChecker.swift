import LedgerCore

/// The single-record checks of quality.md, driven by a `QualityRules` file and a working-day
/// calendar. Pure and `Sendable`: no clock (the audit period stands for "now"), no I/O; the rules
/// are compiled into lookup tables once, at init.
///
/// What a record is checked for:
/// * **every record** (`upsert` and `revoke`): the envelope fields (`entity.uscc`, `entity.name`,
///   `occurred_at`, `recorded_at`, `source.name`, `source.uscc`, `published_at`) for presence
///   (completeness) and format (conformance; a wrong USCC check character is accuracy), and a
///   category the rules file knows;
/// * **`upsert` only**, because a revocation withdraws the content and need not repeat it: the
///   category's fields (required and `required_if`, types, formats, code tables with
///   `codes_before`, lengths, 万元 amounts and the yuan slip, long-term sentinels, `after` order),
///   the USCC prefix against the type field, the decision date (`occurred_at`) against the period
///   end and `recorded_at`, and timeliness.
///
/// Timeliness judges a record once, in the month its `recorded_at` (its civil date in Beijing
/// time) falls in, with one exception: a deadline whose `missing` is `late_after_deadline` and
/// whose date is still missing is a finding in every month from the one the deadline passes in
/// until the date arrives (quality.md: an unpublished record stays visible). Callers may pass
/// every record; the others simply get no timeliness findings.
public struct RecordChecker: Sendable {
    public let rules: QualityRules
    public let calendar: WorkingCalendar
    let catalogue: FindingList.Catalogue
    let envelope: [CompiledField]
    let categories: [String: CompiledCategory]
    let decisionDate: [[String]]
    let nonstandardSentinels: Set<String>
    let maxPlaces: Int
    static let occurredAt = ["occurred_at"]

    public init(rules: QualityRules, calendar: WorkingCalendar) {
        self.rules = rules
        self.calendar = calendar
        catalogue = FindingList.Catalogue(rules)
        envelope = rules.envelope.map { Self.compile($0, rules: rules, labels: [:]) }
        let envelopeLabels = Dictionary(rules.envelope.map { ($0.path, $0.label) }, uniquingKeysWith: { a, _ in a })
        var categories: [String: CompiledCategory] = [:]
        for category in rules.categories {
            let labels = envelopeLabels.merging(category.fields.map { ($0.path, $0.label) }, uniquingKeysWith: { a, _ in a })
            let fields = category.fields.map { Self.compile($0, rules: rules, labels: labels) }
            categories[category.name] = CompiledCategory(
                fields: fields,
                ordered: fields.indices.filter { fields[$0].after != nil },
                prefixRules: rules.usccPrefix.filter { $0.categories.contains(category.name) }.map { prefix in
                    let declared = category.fields.first { $0.path == prefix.field } ?? rules.envelope.first { $0.path == prefix.field }
                    return (RecordPath.components(prefix.field), labels[prefix.field] ?? prefix.field,
                            declared?.codes.map { Set(rules.codes[$0] ?? []) }, prefix.expect)
                },
                deadlines: rules.deadlines.filter { $0.categories.contains(category.name) }.map { deadline in
                    let (from, to): (String, String) = switch deadline.kind {
                    case .workingDays(let from, let to, _, _, _): (from, to)
                    case .annualWindow(let year, let date, _, _): (year, date)
                    }
                    return CompiledDeadline(rule: deadline, when: deadline.when.map { (RecordPath.components($0.path), $0.value) },
                                            from: RecordPath.components(from), to: RecordPath.components(to),
                                            fromLabel: labels[from] ?? from, toLabel: labels[to] ?? to)
                })
        }
        self.categories = categories
        decisionDate = rules.decisionDate.map(RecordPath.components)
        nonstandardSentinels = rules.longTerm.nonstandard
        maxPlaces = rules.amounts.maxPlaces
    }

    static func compile(_ field: FieldRule, rules: QualityRules, labels: [String: String]) -> CompiledField {
        CompiledField(
            rule: field,
            components: RecordPath.components(field.path),
            codes: field.codes.map { Set(rules.codes[$0] ?? []) },
            codesBefore: field.codesBefore.map { ($0.date.day, Set(rules.codes[$0.table] ?? []), $0.table) },
            requiredIf: field.requiredIf.map { (RecordPath.components($0.path), $0.value, labels[$0.path] ?? $0.path) },
            after: field.after.map { (RecordPath.components($0), labels[$0] ?? $0) },
            yuanForWan: rules.amounts.yuanForWan.first { $0.field == field.path }.map { ($0.max, $0.text.map(RecordPath.components)) })
    }

    /// The findings of one record, in a stable order (envelope, fields in file order, then date
    /// logic and timeliness). Empty for a clean record.
    public func check(_ record: AuditRecord, period: AuditPeriod) -> [Finding] {
        var list = FindingList(record, catalogue: catalogue)
        let root = record.json
        let category = categories[record.category]
        let decisionDay = category == nil ? nil : decisionDay(of: root)
        for field in envelope {
            checkField(field, RecordPath.lookup(root, field.components), root: root, decisionDay: decisionDay, into: &list)
        }
        guard let category else {
            list.add(RuleID.unknownCategory, field: "category", value: record.category)
            return list.findings
        }
        guard record.op == .upsert else { return list.findings }

        switch root.kind(at: AuditRecord.fieldsPath) {
        case .absent, .null, .object:
            break
        case .other(let other):
            list.add(RuleID.valueType, field: "fields", value: other.text, detail: ("应为对象", "expected an object"))
            return list.findings
        }
        for field in category.fields {
            checkField(field, root.lookup(field.inFields), root: root, decisionDay: decisionDay, into: &list)
        }
        for index in category.ordered { checkOrder(category.fields[index], root: root, into: &list) }
        for prefix in category.prefixRules { checkPrefix(prefix, root: root, into: &list) }
        let recorded = record.recordedOn
        checkDecisionDate(record, recorded: recorded, period: period, into: &list)
        if let recorded, recorded <= period.lastDay {
            checkTimeliness(category, root: root, period: period, recordedInPeriod: period.contains(recorded), into: &list)
        }
        return list.findings
    }

    /// The first valid date among the rules' `decision_date` paths.
    func decisionDay(of root: RecordJSON) -> Int? {
        for path in decisionDate {
            if let text = RecordPath.string(root, path), let date = CivilDate(iso: text) { return date.day }
        }
        return nil
    }
}
