/// RFC 3339 timestamps in UTC to the second (`2026-12-02T01:02:03Z`), as records carry them,
/// written from Unix seconds by hand: Foundation's `ISO8601DateFormatter` costs more to create
/// than the rest of logging an intake decision, and these are made once per record.
public enum UTCTimestamp {
    public static func rfc3339(seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let (year, month, day) = CivilDays.components(of: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(second / 3_600)):\(two(second % 3_600 / 60)):\(two(second % 60))Z"
    }
}
