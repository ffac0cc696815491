/// One rule's count in one category: `failing` distinct records of `checked`.
public struct RuleCount: Sendable, Codable, Hashable {
    public var rule: String
    public var category: String
    public var failing: Int
    public var checked: Int
    /// The rule's weight in its dimension, from the rules file.
    public var weight: Double

    public init(rule: String, category: String, failing: Int, checked: Int, weight: Double) {
        self.rule = rule
        self.category = category
        self.failing = failing
        self.checked = checked
        self.weight = weight
    }
}
