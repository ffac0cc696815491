public import Foundation
public import LedgerCore

/// The official PRC working-day calendar (`calendar.json`): Monday–Friday, minus public holidays,
/// plus the weekend days worked in exchange (调休上班).
///
/// Periods count working days *after* a start date (Civil Code Art. 201): the start day is not
/// counted. Every answer is exact or a `calendar.not-covered` error; a date in a year the file
/// does not cover is never guessed. Lookups are O(1) (a prefix count per covered day).
public struct WorkingCalendar: Sendable {
    /// The consecutive years the file covers.
    public let coveredYears: ClosedRange<Int>
    /// Lower-case hex SHA-256 of the file's exact bytes, so an audit can name the calendar it used.
    public let sha256: String
    /// 1 January of the first covered year.
    public let firstDay: CivilDate
    /// 31 December of the last covered year.
    public let lastDay: CivilDate
    /// `workingThrough[i]`: working days in `firstDay ... firstDay + i`.
    let workingThrough: [Int32]
    /// The working days in order, as day numbers.
    let workdays: [Int32]

    /// Parses calendar.json. Pure: the bytes come from the caller.
    public init(bytes: [UInt8]) throws(QualityError) {
        let root = try ConfigNode(parsing: bytes, code: .invalidCalendar, file: "calendar.json")
        _ = try root.members(allowed: ["description", "covered_years", "sources", "holidays", "adjusted_workdays"])
        let yearsNode = try root.required("covered_years")
        var years: [Int] = []
        for element in try yearsNode.elements() { years.append(try element.int(in: 1900...9999)) }
        guard let first = years.first, let last = years.last else { throw yearsNode.error("must list at least one year") }
        guard years == Array(first...last) else {
            throw yearsNode.error("must be consecutive years in ascending order")
        }
        coveredYears = first...last
        firstDay = CivilDate(year: first, month: 1, day: 1)
        lastDay = CivilDate(year: last, month: 12, day: 31)

        let dayCount = lastDay.day - firstDay.day + 1
        var working = [Bool](repeating: false, count: dayCount)
        for offset in 0..<dayCount { working[offset] = CivilDate(day: firstDay.day + offset).weekday < 5 }
        var holidays: Set<Int> = []
        for (key, node) in try root.required("holidays").members() {
            guard let date = CivilDate(iso: key), coveredYears.contains(date.year) else {
                throw node.error("a holiday must be a date YYYY-MM-DD in a covered year")
            }
            _ = try node.string()
            holidays.insert(date.day)
            working[date.day - firstDay.day] = false
        }
        for (key, node) in try root.required("adjusted_workdays").members() {
            guard let date = CivilDate(iso: key), coveredYears.contains(date.year) else {
                throw node.error("an adjusted working day must be a date YYYY-MM-DD in a covered year")
            }
            _ = try node.string()
            guard !holidays.contains(date.day) else { throw node.error("is listed as a holiday too") }
            working[date.day - firstDay.day] = true
        }
        var count: Int32 = 0
        var through = [Int32](repeating: 0, count: dayCount)
        var days: [Int32] = []
        days.reserveCapacity(dayCount)
        for offset in 0..<dayCount {
            if working[offset] {
                count += 1
                days.append(Int32(firstDay.day + offset))
            }
            through[offset] = count
        }
        workingThrough = through
        workdays = days
        sha256 = SHA256Algorithm().hash(bytes).hex
    }

    /// The calendar shipped with this build (identical to `ops/calendar.json`).
    public static func bundled() throws(QualityError) -> WorkingCalendar {
        try WorkingCalendar(bytes: try BundledResource.bytes("calendar", in: "rules"))
    }

    /// Reads and parses a calendar file.
    public static func load(contentsOf url: URL) throws(QualityError) -> WorkingCalendar {
        try WorkingCalendar(bytes: try BundledResource.read(url))
    }

    public func covers(_ date: CivilDate) -> Bool { firstDay <= date && date <= lastDay }

    public func isWorkingDay(_ date: CivilDate) throws(QualityError) -> Bool {
        try requireCovered(date)
        let offset = date.day - firstDay.day
        return workingThrough[offset] != (offset == 0 ? 0 : workingThrough[offset - 1])
    }

    /// The number of working days d with `start < d ≤ end`; 0 when `end ≤ start`.
    ///
    /// `start` may be the day before the first covered year (it is not counted itself); `end`
    /// must be covered.
    public func workingDays(after start: CivilDate, through end: CivilDate) throws(QualityError) -> Int {
        guard start < end else { return 0 }
        try requireCovered(end)
        return Int(workingThrough[end.day - firstDay.day]) - (try countThrough(start))
    }

    /// The `count`-th working day after `start` (the start day not counted): the last day that
    /// is still "within `count` working days". `count` 0 returns `start`.
    public func date(_ count: Int, workingDaysAfter start: CivilDate) throws(QualityError) -> CivilDate {
        precondition(count >= 0, "a working-day count is not negative")
        let before = try countThrough(start)
        guard count > 0 else { return start }
        let index = before + count - 1
        guard index < workdays.count else {
            throw QualityError(.notCovered, "\(count) working days after \(start.iso) fall after \(lastDay.iso), the end of the calendar")
        }
        return CivilDate(day: Int(workdays[index]))
    }

    /// Working days in a covered year.
    public func workingDays(inYear year: Int) throws(QualityError) -> Int {
        try workingDays(after: CivilDate(year: year, month: 1, day: 1).adding(days: -1), through: CivilDate(year: year, month: 12, day: 31))
    }

    /// Working days up to and including `date`, counted from `firstDay`.
    func countThrough(_ date: CivilDate) throws(QualityError) -> Int {
        if date.day == firstDay.day - 1 { return 0 }
        try requireCovered(date)
        return Int(workingThrough[date.day - firstDay.day])
    }

    func requireCovered(_ date: CivilDate) throws(QualityError) {
        guard covers(date) else {
            throw QualityError(.notCovered, "\(date.iso) is outside the calendar, which covers \(coveredYears.lowerBound)–\(coveredYears.upperBound)")
        }
    }
}
