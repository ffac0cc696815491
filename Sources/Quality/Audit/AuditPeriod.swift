public import LedgerCore
/// The month an audit scores (HQ scores provinces monthly, 按月赋分). Its last day stands for
/// "now" in date checks, so an audit is reproducible whenever it runs.
public struct AuditPeriod: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) throws(QualityError) {
        guard (1...12).contains(month), (1000...9999).contains(year) else {
            throw QualityError(.invalidPeriod, "\(year)-\(month) is not a month")
        }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init(_ text: String) throws(QualityError) {
        guard let (year, month) = CivilDate.parseMonth(text) else {
            throw QualityError(.invalidPeriod, "\"\(text)\" is not YYYY-MM")
        }
        try self.init(year: year, month: month)
    }

    /// The month containing `date`.
    public init(containing date: CivilDate) {
        let (year, month, _) = date.components
        self.year = year
        self.month = month
    }

    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1) }
    public var lastDay: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysIn(year: year, month: month)) }

    public func contains(_ date: CivilDate) -> Bool { firstDay <= date && date <= lastDay }

    /// `YYYY-MM`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (lhs: AuditPeriod, rhs: AuditPeriod) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
