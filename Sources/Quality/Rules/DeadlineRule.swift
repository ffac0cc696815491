/// A timeliness deadline of quality.md's table, as the rules file declares it.
public struct DeadlineRule: Sendable {
    public enum Kind: Sendable {
        /// `to` at most `limit` working days after `from` (+ `fromPlusYears` years).
        case workingDays(from: String, to: String, limit: Int, fromPlusYears: Int, lateWhenMissing: Bool)
        /// The date at `date` no later than `through` (month, day) of the year after the year at `year`.
        case annualWindow(year: String, date: String, throughMonth: Int, throughDay: Int)
    }

    public let id: String
    /// The catalogue rule its findings carry (`timeliness.collection`).
    public let rule: String
    public let label: String
    public let labelEn: String
    public let categories: Set<String>
    /// Applies only when every path holds its value (e.g. `fields.action` = `列入`).
    public let when: [(path: String, value: String)]
    public let kind: Kind
}
