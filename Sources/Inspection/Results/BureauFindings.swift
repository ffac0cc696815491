public import LedgerCore
public import Quality

/// The findings of the inspected province (the bureau) in a verified result, under the rules
/// file's `inspection` section: one per inconsistent row, never one against an enterprise
/// (DESIGN §9). A kind the rules file does not name is not a finding.
public struct BureauFindings: Sendable, Equatable {
    public struct Finding: Sendable, Equatable {
        public var rule: String
        public var dimension: String
        public var kind: String
        public var category: String
        public var recordID: String
        public var uscc: String
        public var field: String
        public var systemValue: String
        public var archiveValue: String
        public var note: String
    }

    public var findings: [Finding]

    /// The rules file's kind for each comparison kind (Protocol/inspection.md §5).
    static func kind(_ kind: InspectionComparison.Kind) -> String? {
        switch kind {
        case .match, .realityUnverified: nil
        case .differs: "archive_differs"
        case .systemOnly: "not_in_archive"
        case .archiveOnly: "not_in_system"
        case .centralDiffers, .centralMissing: "central_differs"
        case .realityDiffers: "reality_differs"
        }
    }

    public init(_ document: ComparisonDocument, rules: QualityRules) {
        findings = document.rows.compactMap { row in
            guard let kind = Self.kind(row.kind), let id = rules.inspection[kind], let rule = rules.rule(id) else { return nil }
            return Finding(rule: id, dimension: rule.dimension.rawValue, kind: kind, category: row.category, recordID: row.recordID, uscc: row.uscc,
                           field: row.field, systemValue: row.systemValue, archiveValue: row.archiveValue, note: row.note)
        }
        // A mechanism the checklist found missing is a finding of the bureau too.
        if let id = rules.inspection["mechanism"], let rule = rules.rule(id) {
            for answer in document.checklist where answer.answer == Checklist.Answer.no.rawValue {
                findings.append(Finding(rule: id, dimension: rule.dimension.rawValue, kind: "mechanism", category: "", recordID: answer.id, uscc: "",
                                        field: answer.zh, systemValue: "", archiveValue: answer.answer, note: answer.note))
            }
        }
    }

    public var json: JSONValue {
        .array(findings.map { finding in
            .object([
                .init("rule", .string(finding.rule)),
                .init("dimension", .string(finding.dimension)),
                .init("kind", .string(finding.kind)),
                .init("category", .string(finding.category)),
                .init("id", .string(finding.recordID)),
                .init("uscc", .string(finding.uscc)),
                .init("field", .string(finding.field)),
                .init("system_value", .string(finding.systemValue)),
                .init("archive_value", .string(finding.archiveValue)),
                .init("note", .string(finding.note)),
            ])
        })
    }
}
