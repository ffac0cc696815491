/// An audit's scores: overall and per dimension, each with numerator and denominator.
public struct QualityScore: Sendable, Codable, Hashable {
    /// 0–100, two decimals; nil when no dimension could be scored.
    public var overall: Double?
    /// Records failing any rule (numerator of the overall score).
    public var failing: Int
    /// Records checked (denominator).
    public var checked: Int
    /// In the notice's order.
    public var dimensions: [DimensionScore]
    /// The rules file the scores were computed under.
    public var rulesVersion: String
    public var rulesSHA256: String

    enum CodingKeys: String, CodingKey {
        case overall, failing, checked, dimensions
        case rulesVersion = "rules_version"
        case rulesSHA256 = "rules_sha256"
    }
}
