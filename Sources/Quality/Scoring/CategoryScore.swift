/// One category's score in one dimension.
public struct CategoryScore: Sendable, Codable, Hashable {
    public var category: String
    /// 0–100, two decimals.
    public var score: Double
    /// Distinct records failing the dimension, the missing ones included.
    public var failing: Int
    /// Records checked for the dimension, the missing ones included.
    public var checked: Int
    /// Records the central register holds and the province lacks: in the denominator, and
    /// failing every rule of the dimension.
    public var missing: Int
    /// The category's weight in the rules file (`categories.<c>.weight`).
    public var weight: Double

    public init(category: String, score: Double, failing: Int, checked: Int, missing: Int, weight: Double) {
        self.category = category
        self.score = score
        self.failing = failing
        self.checked = checked
        self.missing = missing
        self.weight = weight
    }
}
