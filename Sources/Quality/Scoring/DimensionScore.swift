/// A dimension's score with its numerator and denominator, never a bare percentage.
public struct DimensionScore: Sendable, Codable, Hashable {
    public var dimension: QualityDimension
    /// 0–100, two decimals; nil when no record was checked for this dimension.
    public var score: Double?
    /// Records failing the dimension (numerator).
    public var failing: Int
    /// Records checked (denominator).
    public var checked: Int
    /// The dimension's weight in the overall score.
    public var weight: Double
    /// Per category: its score in this dimension (two decimals) and volume weight.
    public var categories: [CategoryScore]
    /// Every (rule, category) with its count, failing or not, in catalogue order.
    public var rules: [RuleCount]
}
