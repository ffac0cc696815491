public import LedgerCore
public import Quality

/// Puts known defects into clean records, so tests (and demos) can show that every rule of the
/// catalogue fires, and fires alone.
///
/// `inject(_:into:)` changes one clean record (one from `RecordGenerator`) so that `RecordChecker`
/// reports exactly one finding, under the given per-record rule; `groupFixture` builds a small
/// clean set of records about one entity and a variant with exactly one cross-record defect.
/// Injections that move `recorded_at` (timeliness of collection, `timeliness.calendar_not_covered`)
/// move the record into another audit period: check it in the month of its new `recorded_at`.
public struct DefectInjector: Sendable {
    public let rules: QualityRules
    public let calendar: WorkingCalendar

    public init(rules: QualityRules, calendar: WorkingCalendar) {
        self.rules = rules
        self.calendar = calendar
    }

    /// Every per-record rule of the catalogue: the built-in checks and the deadlines.
    public var recordRules: [String] { rules.catalogue.filter { $0.scope == .record }.map(\.id) }
    /// Every cross-record rule of the catalogue.
    public var groupRules: [String] { rules.catalogue.filter { $0.scope == .group }.map(\.id) }

    /// `record` with exactly one defect under `rule`, or nil when the record's category has no
    /// field the rule applies to (e.g. `completeness.conditional_field` on a registration) or the
    /// rule is not a per-record rule.
    public func inject(_ rule: String, into record: JSONValue) -> JSONValue? {
        let fields = record["category"]?.stringValue.flatMap(rules.category)?.fields ?? []
        let envelope = rules.envelope
        func present(_ field: FieldRule) -> Bool {
            switch record.value(at: field.path) {
            case .string(let text)?: !text.isEmpty
            case .array(let elements)?: !elements.isEmpty
            case nil, .null?: false
            default: true
            }
        }
        func text(_ path: String) -> String? { record.value(at: path)?.stringValue }
        func set(_ path: String, _ value: JSONValue?) -> JSONValue { record.setting(path, to: value) }
        /// A required plain-text field that no other check reads.
        var plainText: FieldRule? {
            let read = readPaths
            return (fields + envelope).first {
                $0.required && $0.format == nil && $0.codes == nil && !$0.list && $0.maxLength == nil && present($0) && !read.contains($0.path)
            }
        }

        switch rule {
        case RuleID.requiredField:
            return plainText.map { set($0.path, nil) }
        case RuleID.conditionalField:
            return fields.first { field in
                guard let condition = field.requiredIf, present(field) else { return false }
                return holds(record.value(at: condition.path), condition.value)
            }.map { set($0.path, nil) }
        case RuleID.unknownCategory:
            return set("category", .string("unknown_category"))
        case RuleID.valueType:
            return plainText.map { set($0.path, .number(42)) }
        case RuleID.usccFormat:
            guard let uscc = text("entity.uscc"), let first = uscc.unicodeScalars.first, first.isASCII else { return nil }
            // Full-width first digit (９), or a lower-case first letter.
            let replaced = ("0"..."9").contains(first) ? Unicode.Scalar(first.value - 0x30 + 0xFF10)! : Unicode.Scalar(first.value | 0x20)!
            return set("entity.uscc", .string(String(replaced) + String(uscc.unicodeScalars.dropFirst())))
        case RuleID.usccCheck:
            guard let uscc = text("entity.uscc"), let last = uscc.last, let index = USCC.alphabet.firstIndex(of: last) else { return nil }
            return set("entity.uscc", .string(String(uscc.dropLast()) + String(USCC.alphabet[(index + 1) % USCC.alphabet.count])))
        case RuleID.dateFormat:
            return fields.first { $0.format == .date && present($0) }.map { field in
                set(field.path, .string(text(field.path)!.replacingAll("-", with: "/")))
            }
        case RuleID.dateTimeFormat:
            guard let recorded = text("recorded_at"), recorded.count >= 19 else { return nil }
            return set("recorded_at", .string(String(recorded.prefix(19)).replacingAll("T", with: " ")))
        case RuleID.codeValue:
            return fields.first { $0.codes != nil && present($0) }.map { field in
                if case .array(let elements)? = record.value(at: field.path), case .string(let first)? = elements.first {
                    return set(field.path, .array([.string(first + " ")] + elements.dropFirst()))
                }
                return set(field.path, .string(text(field.path)! + " "))
            }
        case RuleID.decimalFormat:
            return fields.first { $0.format == .decimal && present($0) }.map { set($0.path, .string("1,234.5")) }
        case RuleID.decimalAsNumber:
            return fields.first { $0.format == .decimal && present($0) }.map { set($0.path, .number(12.5)) }
        case RuleID.longTermSentinel:
            let sentinel = rules.longTerm.nonstandard.contains("9999-09-09") ? "9999-09-09" : rules.longTerm.nonstandard.sorted().first
            guard let sentinel else { return nil }
            return fields.first { $0.after != nil && present($0) }.map { set($0.path, .string(sentinel)) }
        case RuleID.maxLength:
            return (envelope + fields).first { $0.maxLength != nil && $0.format == nil && present($0) }.map {
                set($0.path, .string(String(repeating: "某", count: $0.maxLength! + 1)))
            }
        case RuleID.endBeforeStart:
            for field in fields where present(field) {
                guard let after = field.after, let start = text(after).flatMap({ CivilDate(iso: $0) }) else { continue }
                return set(field.path, .string(start.adding(days: -1).iso))
            }
            return nil
        case RuleID.decisionInFuture:
            guard let recorded = text("recorded_at").flatMap({ CivilDate(dateTime: $0) }) else { return nil }
            return set("occurred_at", .string(AuditPeriod(containing: recorded).lastDay.adding(days: 10).iso))
        case RuleID.decisionAfterRecorded:
            guard let recordedText = text("recorded_at"), let recorded = CivilDate(dateTime: recordedText) else { return nil }
            let period = AuditPeriod(containing: recorded)
            if recorded < period.lastDay { return set("occurred_at", .string(recorded.adding(days: 1).iso)) }
            let earlier = recorded.adding(days: -1).iso + recordedText.dropFirst(10)
            return set("occurred_at", .string(recorded.iso)).setting("recorded_at", to: .string(earlier))
        case RuleID.yuanForWan:
            return rules.amounts.yuanForWan.first { slip in fields.contains { $0.path == slip.field && present($0) } }.map { slip in
                set(slip.field, .string(String(Int(slip.max) * 5)))
            }
        case RuleID.usccPrefixType:
            guard let category = text("category"), let uscc = text("entity.uscc") else { return nil }
            for prefix in rules.usccPrefix where prefix.categories.contains(category) {
                guard let allowed = prefix.expect[String(uscc.prefix(2))], text(prefix.field) != nil,
                      let table = fields.first(where: { $0.path == prefix.field })?.codes,
                      let wrong = rules.codes[table]?.first(where: { !allowed.contains($0) }) else { continue }
                return set(prefix.field, .string(wrong))
            }
            return nil
        case RuleID.calendarNotCovered:
            // Decided on the calendar's second-last day, recorded (and published) after its end.
            guard let recorded = text("recorded_at"), recorded.count > 10 else { return nil }
            let after = calendar.lastDay.adding(days: 6).iso + recorded.dropFirst(10)
            var result = set("occurred_at", .string(calendar.lastDay.adding(days: -1).iso)).setting("recorded_at", to: .string(after))
            if record["published_at"] != nil { result = result.setting("published_at", to: .string(after)) }
            return result
        default:
            return injectDeadline(rule, into: record)
        }
    }

    /// Paths other checks read, which a plain-text injection must leave alone.
    var readPaths: Set<String> {
        var paths = Set(rules.decisionDate)
        for category in rules.categories {
            for field in category.fields { if let condition = field.requiredIf { paths.insert(condition.path) } }
        }
        for deadline in rules.deadlines { paths.formUnion(deadline.when.map(\.path)) }
        paths.formUnion(rules.usccPrefix.map(\.field))
        return paths
    }

    func holds(_ value: JSONValue?, _ expected: String) -> Bool {
        switch value {
        case .string(let text)?: text == expected
        case .array(let elements)?: elements.contains(.string(expected))
        default: false
        }
    }

    /// Moves the end of a deadline that applies to the record one working day past it.
    func injectDeadline(_ rule: String, into record: JSONValue) -> JSONValue? {
        guard let category = record["category"]?.stringValue else { return nil }
        for deadline in rules.deadlines where deadline.rule == rule && deadline.categories.contains(category) {
            guard deadline.when.allSatisfy({ holds(record.value(at: $0.path), $0.value) }) else { continue }
            switch deadline.kind {
            case .workingDays(let from, let to, let limit, let plusYears, _):
                guard let fromText = record.value(at: from)?.stringValue,
                      let start = (CivilDate(iso: fromText) ?? CivilDate(dateTime: fromText))?.adding(years: plusYears),
                      let late = try? calendar.date(limit + 1, workingDaysAfter: start) else { continue }
                let isDateTime = (rules.envelope + (rules.category(category)?.fields ?? [])).first { $0.path == to }?.format == .datetime
                let existing = record.value(at: to)?.stringValue ?? ""
                let time = existing.count > 10 && CivilDate(dateTime: existing) != nil ? String(existing.dropFirst(10)) : "T10:00:00+08:00"
                return record.setting(to, to: .string(isDateTime ? late.iso + time : late.iso))
            case .annualWindow(let yearPath, let datePath, let month, let day):
                guard let year = record.value(at: yearPath)?.stringValue.flatMap(CivilDate.parseYear) else { continue }
                return record.setting(datePath, to: .string(CivilDate(year: year + 1, month: month, day: day).adding(days: 15).iso))
            }
        }
        return nil
    }

    /// Records about one registered, active entity, clean under the rules for `period` (which must
    /// end after 30 June of its year, so the annual-report check applies): its registration, its
    /// annual report for the previous year, a penalty, an abnormal-list listing and its removal, and a
    /// credit repair of the penalty (whose publicity ends on the repair date).
    /// `defective` is the same story with exactly one `rule` defect; nil for rules that are not
    /// group rules.
    public func groupFixture(_ rule: String, period: AuditPeriod, tables: DomainTables, seed: UInt64 = 1) -> (clean: [JSONValue], defective: [JSONValue])? {
        let start = CivilDate(year: period.year, month: 1, day: 5)
        var generator = RecordGenerator(province: "440000", seed: seed, tables: tables, start: start,
                                        days: max(1, period.lastDay.day - start.day - 20), calendar: calendar, entityLimit: 10)
        let entity = generator.addEntity(established: CivilDate(year: period.year - 2, month: 3, day: 1), individual: false)
        func emit(_ make: (inout RecordGenerator) -> JSONValue) -> JSONValue {
            generator.produced += 1
            return make(&generator)
        }
        let registration = emit { $0.record("registration", id: $0.entities[entity].registrationID, op: "upsert", entity: entity, occurred: $0.entities[entity].established) }
            .setting("fields.status", to: .string("存续"))
        let report = emit { $0.annualReport(entity: entity, year: period.year - 1) }
        let shown = emit { $0.record("admin_penalty", id: $0.newID("admin_penalty"), op: "upsert", entity: entity, occurred: $0.randomDay()) }
        let listing = emit { $0.abnormal(entity: entity, removal: false) }
        let removal = emit { $0.abnormal(entity: entity, removal: true) }
        // The penalty is repaired; its current version ends its publicity on the repair date.
        let decided = shown.value(at: "fields.decision_date")?.stringValue.flatMap { CivilDate(iso: $0) } ?? generator.window.first
        let repairedOn = decided.adding(days: Int(seed % UInt64(max(1, generator.window.last.day - decided.day + 1))))
        let repair = emit { $0.record("credit_repair", id: $0.newID("credit_repair"), op: "upsert", entity: entity, occurred: repairedOn,
                                      repaired: shown["id"]?.stringValue) }
        let penalty = shown.setting("fields.publicity_until", to: .string(repairedOn.iso))
        let clean = [registration, report, penalty, listing, removal, repair]
        func copy(_ record: JSONValue, _ id: String) -> JSONValue {
            generator.produced += 1
            return record.setting("id", to: .string(id))
                .setting("change_id", to: .string("440000-\(String(seed, radix: 16))-\(generator.produced)"))
        }
        let defective: [JSONValue]
        switch rule {
        case RuleID.noRegistration:
            defective = [penalty]
        case RuleID.nameMismatch:
            let name = penalty.value(at: "entity.name")?.stringValue ?? ""
            defective = [registration, report, penalty.setting("entity.name", to: .string(name + "（分公司）")), listing, removal, repair]
        case RuleID.removalWithoutListing:
            defective = [registration, report, penalty, removal, repair]
        case RuleID.annualReportMissing:
            defective = [registration, penalty, listing, removal, repair]
        case RuleID.repairWithoutRecord:
            defective = [registration, report, listing, removal, repair]
        case RuleID.repairedStillActive:
            defective = [registration, report, shown, listing, removal, repair]
        case RuleID.duplicateDecision:
            let twin = copy(penalty, generator.newID("admin_penalty")).setting("fields.violation_facts", to: .string("销售过期食品"))
            defective = clean + [twin]
        case RuleID.identicalRecord:
            defective = clean + [copy(report, generator.newID("annual_report"))]
        default:
            return nil
        }
        return (clean, defective)
    }
}
