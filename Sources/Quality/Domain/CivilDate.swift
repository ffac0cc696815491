import LedgerCore

/// A calendar date as a day number since 1970-01-01 (proleptic Gregorian), with no time zone.
///
/// Record dates (`occurred_at`, `2026-03-05`) are civil dates in China; keeping them as day
/// numbers makes comparisons and working-day arithmetic exact and independent of the machine's
/// time zone.
public struct CivilDate: Sendable, Comparable, Hashable, CustomStringConvertible {
    public var day: Int

    public init(day: Int) { self.day = day }

    /// The date `year-month-day`; the caller passes a real date (see `init?(iso:)` to validate).
    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.day = era * 146_097 + doe - 719_468
    }

    public var components: (year: Int, month: Int, day: Int) {
        let (y, m, d) = CivilDays.components(of: Int64(day))
        return (Int(y), Int(m), Int(d))
    }

    public var year: Int { components.year }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let (y, m, d) = components
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    public var description: String { iso }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((day % 7) + 7 + 3) % 7 }

    public func adding(days: Int) -> CivilDate { CivilDate(day: day + days) }

    /// The same month and day `years` later; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> CivilDate {
        let (y, m, d) = components
        return CivilDate(year: y + years, month: m, day: min(d, Self.daysIn(year: y + years, month: m)))
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.day < rhs.day }
}
