/// One entry of the rules file's catalogue: what a rule id means, which dimension it scores, its
/// weight, and the message and fix-hint templates of its findings.
///
/// Templates may use `{label}` (the field's name: Chinese in `message`/`hint`, the path in the
/// English ones), `{field}` (its path), `{value}` (the offending value) and `{detail}` (what the
/// check found, in the template's language).
public struct RuleDefinition: Sendable, Hashable {
    /// Who produces the rule's findings.
    public enum Scope: String, Sendable, Hashable {
        /// `RecordChecker`, one record at a time.
        case record
        /// `GroupChecker`, over one group of records.
        case group
        /// The caller (e.g. the central-vs-local merge), using this entry's texts.
        case caller
    }

    public let id: String
    public let dimension: QualityDimension
    public let scope: Scope
    /// Weight of the rule's defect rate in its dimension's score (see `Scorer`); 0 lists findings
    /// without scoring them.
    public let weight: Double
    /// Where the rule comes from: a notice's file and line, a regulation with its number, or
    /// "CreditSync practice". Rules not from the notices ship with weight 0 (listed, not scored).
    public let source: String
    /// A disabled rule produces no findings.
    public let enabled: Bool
    public let name: String
    public let nameEn: String
    public let message: String
    public let messageEn: String
    public let hint: String
    public let hintEn: String
}
