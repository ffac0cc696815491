/// Collects one record's findings, rendering each rule's catalogue texts.
struct FindingList {
    /// The rules, behind one reference: a list is made per record, and copying `QualityRules`
    /// would retain each of its tables.
    final class Catalogue: Sendable {
        let rules: QualityRules
        init(_ rules: QualityRules) { self.rules = rules }
    }

    let record: AuditRecord
    let catalogue: Catalogue
    var findings: [Finding] = []

    init(_ record: AuditRecord, catalogue: Catalogue) {
        self.record = record
        self.catalogue = catalogue
    }

    /// Adds a finding under `rule` unless the rule is disabled. `label` is the field's Chinese
    /// name; `detail` says what the check found, in both languages.
    mutating func add(_ rule: String, field: String? = nil, label: String? = nil, value: String? = nil,
                      detail: (zh: String, en: String) = ("", "")) {
        guard let definition = catalogue.rules.rule(rule), definition.enabled else { return }
        let path = field ?? ""
        let text = value ?? ""
        findings.append(Finding(
            category: record.category, id: record.id, dimension: definition.dimension, rule: rule, field: field, value: value,
            message: FindingText.render(definition.message, label: label ?? path, field: path, value: text, detail: detail.zh),
            hint: FindingText.render(definition.hint, label: label ?? path, field: path, value: text, detail: detail.zh),
            messageEn: FindingText.render(definition.messageEn, label: path, field: path, value: text, detail: detail.en),
            hintEn: FindingText.render(definition.hintEn, label: path, field: path, value: text, detail: detail.en),
            index: record.index))
    }
}
