/// A record category's fields and its weight in scores.
public struct CategoryRules: Sendable {
    public let name: String
    /// The Chinese name (`zh`).
    public let label: String
    /// Multiplies the category's volume when dimension scores average over categories (default 1).
    public let weight: Double
    /// In file order; paths start with `fields.`.
    public let fields: [FieldRule]
    /// The paths that identify one business fact across systems that assign ids independently
    /// (penalty: decision number + USCC); empty when the category has none. The problem list
    /// shows it so a province can find the record in its own system.
    public let businessKey: [String]
}
