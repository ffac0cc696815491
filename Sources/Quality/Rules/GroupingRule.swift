/// A cross-record grouping: records of `categories` with equal `key` values form one group, and
/// `checks` run over each group (see `GroupChecker`).
public struct GroupingRule: Sendable {
    public let name: String
    /// Record paths (`category`, `entity.uscc`, `fields.decision_no`) whose values, all present,
    /// make the group key.
    public let key: [String]
    public let categories: Set<String>
    /// Group rule ids (`RuleID.groupRules`).
    public let checks: [String]
}
