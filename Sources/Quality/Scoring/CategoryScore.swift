/// One category's score in one dimension.
public struct CategoryScore: Sendable, Codable, Hashable {
    public var category: String
    /// 0–100, two decimals.
    public var score: Double
    public var failing: Int
    public var checked: Int
    /// checked × the category's weight in the rules file.
    public var weight: Double
}
