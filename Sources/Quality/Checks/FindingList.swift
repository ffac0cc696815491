import LedgerCore

/// Collects one record's findings, rendering each rule's catalogue texts.
struct FindingList {
    /// The rules, behind one reference: a list is made per record, and copying `QualityRules`
    /// would retain each of its tables.
    final class Catalogue: Sendable {
        let rules: QualityRules
        /// Each category's business-key paths, split once (every finding shows the key).
        let businessKeys: [String: [[String]]]

        init(_ rules: QualityRules) {
            self.rules = rules
            businessKeys = Dictionary(uniqueKeysWithValues: rules.categories.map { ($0.name, $0.businessKey.map(RecordPath.components)) })
        }
    }

    let record: AuditRecord
    let catalogue: Catalogue
    var findings: [Finding] = []
    /// What every finding of the record carries for dispatch; worked out at the first finding.
    var dispatch: Dispatch?

    struct Dispatch {
        var uscc: String?
        var entityName: String?
        var businessKey: String?
        var sourceUnit: String?
        var sourceCode: String?
        var recordedOn: String?
        var province: String

        init(_ record: AuditRecord, catalogue: Catalogue) {
            let json = record.json
            uscc = record.entityUSCC
            entityName = record.entityName
            let parts = (catalogue.businessKeys[record.category] ?? []).filter { $0 != AuditRecord.entityUSCCPath }
                .compactMap { RecordPath.string(json, $0) }.filter { !$0.isEmpty }
            businessKey = parts.isEmpty ? nil : parts.joined(separator: " / ")
            let authority = RecordPath.string(json, Self.authorityPath).flatMap { $0.isEmpty ? nil : $0 }
            sourceUnit = authority ?? RecordPath.string(json, Self.sourceNamePath)
            sourceCode = RecordPath.string(json, authority == nil ? Self.sourceUSCCPath : Self.authorityUSCCPath)
            recordedOn = record.recordedOn?.iso
            province = RecordPath.string(json, ["province"]) ?? ""
        }

        static let authorityPath = ["fields", "authority"]
        static let authorityUSCCPath = ["fields", "authority_uscc"]
        static let sourceNamePath = ["source", "name"]
        static let sourceUSCCPath = ["source", "uscc"]
    }

    /// 16 hex digits of SHA-256 over province, category, id, rule and field, separated by 0x1F.
    static func findingID(province: String, category: String, id: String, rule: String, field: String?) -> String {
        let text = [province, category, id, rule, field ?? ""].joined(separator: "\u{1F}")
        return String(SHA256Algorithm().hash(Array(text.utf8)).hex.prefix(16))
    }

    init(_ record: AuditRecord, catalogue: Catalogue) {
        self.record = record
        self.catalogue = catalogue
    }

    /// Adds a finding under `rule` unless the rule is disabled. `label` is the field's Chinese
    /// name; `detail` says what the check found, in both languages.
    mutating func add(_ rule: String, field: String? = nil, label: String? = nil, value: String? = nil, expected: String? = nil,
                      detail: (zh: String, en: String) = ("", "")) {
        guard let definition = catalogue.rules.rule(rule), definition.enabled else { return }
        let path = field ?? ""
        let text = value ?? ""
        if dispatch == nil { dispatch = Dispatch(record, catalogue: catalogue) }
        let dispatch = dispatch!
        var finding = Finding(
            category: record.category, id: record.id, dimension: definition.dimension, rule: rule, field: field, value: value,
            message: FindingText.render(definition.message, label: label ?? path, field: path, value: text, detail: detail.zh),
            hint: FindingText.render(definition.hint, label: label ?? path, field: path, value: text, detail: detail.zh),
            messageEn: FindingText.render(definition.messageEn, label: path, field: path, value: text, detail: detail.en),
            hintEn: FindingText.render(definition.hintEn, label: path, field: path, value: text, detail: detail.en),
            index: record.index)
        finding.findingID = Self.findingID(province: dispatch.province, category: record.category, id: record.id, rule: rule, field: field)
        finding.uscc = dispatch.uscc
        finding.entityName = dispatch.entityName
        finding.businessKey = dispatch.businessKey
        finding.sourceUnit = dispatch.sourceUnit
        finding.sourceCode = dispatch.sourceCode
        finding.recordedOn = dispatch.recordedOn
        finding.expected = expected
        findings.append(finding)
    }
}
