public import Foundation

/// The data-quality rules file (`ops/rules/quality-rules.json`), parsed and validated: fields and
/// code tables per category, deadlines, groupings, the rule catalogue with weights and hints, and
/// dimension weights. Operators edit the file; nothing here needs a rebuild to change a rule.
///
/// An audit MUST record `version` and `sha256`: scores are comparable only under one rules file.
public struct QualityRules: Sendable {
    /// `creditsync/quality-rules/v1`: the layout this build reads.
    public static let schema = "creditsync/quality-rules/v1"

    /// The operators' version string (`2026.1`).
    public let version: String
    /// Lower-case hex SHA-256 of the file's exact bytes.
    public let sha256: String
    /// Weight of each dimension in the overall score.
    public let dimensionWeights: [QualityDimension: Double]
    /// The rule catalogue in file order.
    public let catalogue: [RuleDefinition]
    let ruleIndex: [String: Int]
    /// Envelope fields (`entity.uscc`, `occurred_at`, …).
    public let envelope: [FieldRule]
    /// Categories that are the ledger's own bookkeeping, not business records (a province's
    /// acknowledgements of HQ's feed): audits neither score them nor compare them with the centre.
    public let bookkeeping: Set<String>
    /// Categories in file order.
    public let categories: [CategoryRules]
    let categoryIndex: [String: Int]
    /// Code tables by name.
    public let codes: [String: [String]]
    /// Paths tried in order for a record's decision date (selects `codes_before` tables).
    public let decisionDate: [String]
    public let amounts: AmountRules
    public let longTerm: LongTermDates
    public let deadlines: [DeadlineRule]
    public let usccPrefix: [PrefixRule]
    public let groupings: [GroupingRule]
    public let relations: RelationRules
    /// Top-level keys that do not make two records different (`redundancy.identical_record`).
    public let identicalIgnore: Set<String>
    /// The audit's scope: records whose information arose (their decision date) in this many
    /// years before the audit month's end (2023-25, line 33: 近三年企业数据); older records are
    /// counted as out of scope, not checked. Nil: every record is in scope.
    public let scopeYears: Int?
    /// How soon a province must publish what HQ's feed delivered (`timeliness.push_down_publicity`);
    /// nil: not checked.
    public let pushDown: PushDownRule?
    /// On-site inspection: the rule of each kind of inconsistency (`InspectionKinds`), whose
    /// findings are the inspected province's (DESIGN §9). Empty when the file has none.
    public let inspection: [String: String]

    public func rule(_ id: String) -> RuleDefinition? { ruleIndex[id].map { catalogue[$0] } }

    public func category(_ name: String) -> CategoryRules? { categoryIndex[name].map { categories[$0] } }

    /// Ids of the rules whose dimension is timeliness. `RecordChecker` applies them only to
    /// records recorded in the audit period (see `RecordChecker.check`).
    public var timelinessRules: [String] { catalogue.filter { $0.dimension == .timeliness }.map(\.id) }

    /// The rules shipped with this build (identical to `ops/rules/quality-rules.json`).
    public static func bundled() throws(QualityError) -> QualityRules {
        try QualityRules(bytes: try BundledResource.bytes("quality-rules", in: "rules"))
    }

    /// Reads and parses a rules file.
    public static func load(contentsOf url: URL) throws(QualityError) -> QualityRules {
        try QualityRules(bytes: try BundledResource.read(url))
    }
}
