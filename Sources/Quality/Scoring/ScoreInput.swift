/// What an audit counted, for `Scorer`. Counts are of distinct records.
public struct ScoreInput: Sendable, Codable {
    /// Records checked per category: the denominator.
    public var checked: [String: Int]
    /// Records checked per category for a dimension whose population differs from `checked`
    /// (timeliness: the records recorded in the period). Absent dimensions use `checked`.
    public var checkedByDimension: [QualityDimension: [String: Int]]
    /// Distinct failing records per category and rule id.
    public var failing: [String: [String: Int]]
    /// Distinct records failing at least one rule of the dimension, per category (a record failing
    /// two rules counts once). Absent: the sum over the dimension's rules, capped at the checked count.
    public var failingByDimension: [QualityDimension: [String: Int]]
    /// Distinct records failing any rule, per category. Absent: the largest per-dimension count
    /// (a lower bound).
    public var failingAny: [String: Int]?
    /// Records the central register holds and the province lacks, per category (`missing_local`).
    public var missing: [String: Int]

    public init(checked: [String: Int], checkedByDimension: [QualityDimension: [String: Int]] = [:], failing: [String: [String: Int]],
                failingByDimension: [QualityDimension: [String: Int]] = [:], failingAny: [String: Int]? = nil, missing: [String: Int] = [:]) {
        self.checked = checked
        self.checkedByDimension = checkedByDimension
        self.failing = failing
        self.failingByDimension = failingByDimension
        self.failingAny = failingAny
        self.missing = missing
    }

    enum CodingKeys: String, CodingKey {
        case checked, failing, missing
        case checkedByDimension = "checked_by_dimension"
        case failingByDimension = "failing_by_dimension"
        case failingAny = "failing_any"
    }
}
