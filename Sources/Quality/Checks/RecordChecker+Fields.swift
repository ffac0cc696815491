import LedgerCore

extension RecordChecker {
    func checkField(_ field: CompiledField, _ value: JSONValue?, root: RecordJSON, decisionDay: Int?, into list: inout FindingList) {
        let rule = field.rule
        guard let value, !RecordPath.isEmpty(value) else {
            if rule.required {
                list.add(RuleID.requiredField, field: rule.path, label: rule.label, value: value.map(\.text))
            } else if let condition = field.requiredIf, RecordPath.holds(root, condition.components, condition.value) {
                list.add(RuleID.conditionalField, field: rule.path, label: rule.label, value: value.map(\.text),
                         detail: ("“\(condition.label)”为“\(condition.value)”时必填",
                                  "required when \(condition.components.joined(separator: ".")) is \(condition.value)"))
            }
            return
        }
        if rule.list {
            guard case .array(let elements) = value, elements.allSatisfy({ $0.stringValue != nil }) else {
                list.add(RuleID.valueType, field: rule.path, label: rule.label, value: value.text,
                         detail: ("应为字符串数组", "expected an array of strings"))
                return
            }
            for case .string(let text) in elements { checkScalar(field, text, decisionDay: decisionDay, root: root, into: &list) }
            return
        }
        switch value {
        case .string(let text):
            checkScalar(field, text, decisionDay: decisionDay, root: root, into: &list)
        case .number where rule.format == .decimal:
            list.add(RuleID.decimalAsNumber, field: rule.path, label: rule.label, value: value.text)
        default:
            list.add(RuleID.valueType, field: rule.path, label: rule.label, value: value.text,
                     detail: ("应为字符串", "expected a string"))
        }
    }

    func checkScalar(_ field: CompiledField, _ text: String, decisionDay: Int?, root: RecordJSON, into list: inout FindingList) {
        let rule = field.rule
        if let max = rule.maxLength, text.utf8.count > max, case let count = text.unicodeScalars.count, count > max {
            list.add(RuleID.maxLength, field: rule.path, label: rule.label, value: text,
                     detail: ("\(count) 个字符，超过 \(max) 个字符的上限", "\(count) characters, over the limit of \(max)"))
        }
        switch rule.format {
        case .date?:
            if nonstandardSentinels.contains(text) {
                list.add(RuleID.longTermSentinel, field: rule.path, label: rule.label, value: text, expected: rules.longTerm.standard,
                         detail: ("“长期”应写作 \(rules.longTerm.standard)", "write long-term as \(rules.longTerm.standard)"))
            } else if CivilDate(iso: text) == nil {
                list.add(RuleID.dateFormat, field: rule.path, label: rule.label, value: text, expected: "YYYY-MM-DD",
                         detail: ("应为 YYYY-MM-DD 格式的真实日期", "expected a real date YYYY-MM-DD"))
            }
        case .datetime?:
            if CivilDate(dateTime: text) == nil {
                list.add(RuleID.dateTimeFormat, field: rule.path, label: rule.label, value: text, expected: "YYYY-MM-DDTHH:MM:SS+08:00")
            }
        case .year?:
            if CivilDate.parseYear(text) == nil {
                list.add(RuleID.dateFormat, field: rule.path, label: rule.label, value: text, detail: ("应为四位年份 YYYY", "expected a year YYYY"))
            }
        case .month?:
            if CivilDate.parseMonth(text) == nil {
                list.add(RuleID.dateFormat, field: rule.path, label: rule.label, value: text, detail: ("应为年月 YYYY-MM", "expected a month YYYY-MM"))
            }
        case .decimal?:
            checkAmount(field, text, root: root, into: &list)
        case .uscc?:
            checkUSCC(rule, text, into: &list)
        case nil:
            break
        }
        if let codes = field.codes {
            var table = codes
            var tableName = rule.codes ?? ""
            var before = ""
            if let decisionDay, let earlier = field.codesBefore.first(where: { decisionDay < $0.day }) {
                table = earlier.codes
                tableName = earlier.table
                before = CivilDate(day: earlier.day).iso
            }
            if !table.contains(text) {
                let zh = before.isEmpty ? "不在代码表 \(tableName) 中" : "不在 \(before) 前决定适用的代码表 \(tableName) 中"
                let en = before.isEmpty ? "is not in code table \(tableName)" : "is not in code table \(tableName), which applies to decisions before \(before)"
                list.add(RuleID.codeValue, field: rule.path, label: rule.label, value: text, expected: "codes.\(tableName)", detail: (zh, en))
            }
        }
    }

    func checkAmount(_ field: CompiledField, _ text: String, root: RecordJSON, into list: inout FindingList) {
        let rule = field.rule
        switch DecimalText.problem(text, maxPlaces: maxPlaces) {
        case .notPlain?:
            list.add(RuleID.decimalFormat, field: rule.path, label: rule.label, value: text,
                     detail: ("应为不带符号、千分位和单位的十进制数字", "expected digits with an optional decimal point, no sign, separators or unit"))
            return
        case .tooManyPlaces(let places)?:
            list.add(RuleID.decimalFormat, field: rule.path, label: rule.label, value: text,
                     detail: ("有 \(places) 位小数，最多 \(maxPlaces) 位", "\(places) decimal places, at most \(maxPlaces)"))
            return
        case nil:
            break
        }
        guard let slip = field.yuanForWan, let amount = Double(text) else { return }
        if amount > slip.max {
            list.add(RuleID.yuanForWan, field: rule.path, label: rule.label, value: text,
                     detail: ("超过 \(DecimalText.plain(slip.max)) 万元，疑为按元填报", "over \(DecimalText.plain(slip.max)) (10,000 yuan); apparently entered in yuan"))
        } else if amount > 0, let textPath = slip.text, let source = RecordPath.string(root, textPath),
                  DecimalText.yuanAmounts(in: source).contains(amount) {
            list.add(RuleID.yuanForWan, field: rule.path, label: rule.label, value: text,
                     detail: ("与“\(textPath.joined(separator: "."))”中的 \(text) 元数值相同，疑为按元填报",
                              "equals the yuan amount \(text) written in \(textPath.joined(separator: ".")); apparently entered in yuan"))
        }
    }

    func checkUSCC(_ rule: FieldRule, _ text: String, into list: inout FindingList) {
        switch USCC.check(text) {
        case .valid:
            break
        case .malformed(let reason):
            list.add(RuleID.usccFormat, field: rule.path, label: rule.label, value: text, detail: (Self.usccProblem(text), reason))
        case .wrongCheckCharacter(let expected):
            list.add(RuleID.usccCheck, field: rule.path, label: rule.label, value: text, expected: String(text.prefix(17)) + String(expected),
                     detail: ("第18位校验码应为 \(expected)", "the check character (position 18) should be \(expected)"))
        case .wrongOrganizationCheck(let expected):
            list.add(RuleID.usccCheck, field: rule.path, label: rule.label, value: text,
                     expected: USCC.checkCharacter(forPrefix: String(text.prefix(16)) + String(expected)).map { String(text.prefix(16)) + String(expected) + String($0) },
                     detail: ("第17位（组织机构代码校验码）应为 \(expected)", "the organization code check (position 17) should be \(expected)"))
        }
    }

    /// Why a code is malformed, in Chinese: the traps of uscc.md first.
    static func usccProblem(_ text: String) -> String {
        var problems: [String] = []
        if text.unicodeScalars.contains(where: { ("a"..."z").contains($0) }) { problems.append("含小写字母") }
        if text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) || $0.value == 0x3000 }) { problems.append("含全角字符") }
        if text.unicodeScalars.contains(where: RecordPath.isBlank) { problems.append("含空格") }
        let count = text.count
        if count != 18 { problems.append("长度为 \(count) 位，应为 18 位") }
        if problems.isEmpty { problems.append("含代码字符集以外的字符，或第3–8位不是行政区划代码") }
        return problems.joined(separator: "，")
    }

    func checkOrder(_ field: CompiledField, root: RecordJSON, into list: inout FindingList) {
        guard let after = field.after,
              let endText = RecordPath.string(root, field.components),
              let startText = RecordPath.string(root, after.components),
              !nonstandardSentinels.contains(endText), !nonstandardSentinels.contains(startText),
              let end = CivilDate(iso: endText), let start = CivilDate(iso: startText), end < start else { return }
        list.add(RuleID.endBeforeStart, field: field.rule.path, label: field.rule.label, value: endText,
                 detail: ("早于“\(after.label)”\(startText)", "is before \(after.components.joined(separator: ".")) \(startText)"))
    }

    func checkPrefix(_ prefix: (field: [String], label: String, codes: Set<String>?, expect: [String: Set<String>]), root: RecordJSON,
                     into list: inout FindingList) {
        guard let type = RecordPath.string(root, prefix.field), prefix.codes?.contains(type) ?? true,
              let uscc = root.string(AuditRecord.entityUSCCPath), uscc.utf8.count >= 2 else { return }
        let head = String(decoding: uscc.utf8.prefix(2), as: UTF8.self)
        guard let allowed = prefix.expect[head], !allowed.contains(type) else { return }
        let expected = allowed.sorted().joined(separator: "、")
        list.add(RuleID.usccPrefixType, field: prefix.field.joined(separator: "."), label: prefix.label, value: type,
                 detail: ("而统一社会信用代码前两位 \(head) 对应“\(expected)”", "but USCC prefix \(head) means \(expected)"))
    }

    /// The decision (`occurred_at`) may not lie after the period's end, nor after it was recorded.
    /// A date after the period end is reported once, as in the future.
    func checkDecisionDate(_ record: AuditRecord, recorded: CivilDate?, period: AuditPeriod, into list: inout FindingList) {
        guard let text = record.occurredAt, !nonstandardSentinels.contains(text), let occurred = CivilDate(iso: text) else { return }
        if occurred > period.lastDay {
            list.add(RuleID.decisionInFuture, field: "occurred_at", label: envelopeLabel("occurred_at"), value: text,
                     detail: ("晚于审计期末 \(period.lastDay.iso)", "is after the end of the audit period, \(period.lastDay.iso)"))
        } else if let recorded, occurred > recorded {
            list.add(RuleID.decisionAfterRecorded, field: "occurred_at", label: envelopeLabel("occurred_at"), value: text,
                     detail: ("晚于归集时间 \(record.recordedAt ?? "")", "is after recorded_at \(record.recordedAt ?? "")"))
        }
    }

    func envelopeLabel(_ path: String) -> String {
        rules.envelope.first { $0.path == path }?.label ?? path
    }
}
