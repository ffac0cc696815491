public import Foundation
import LedgerCore

/// The day (YYYY-MM-DD) in China Standard Time (UTC+8, no daylight saving), as a comparison
/// records when it was made.
public enum ChinaDay {
    public static func of(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + 8 * 3_600
        let (year, month, day) = CivilDays.components(of: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        return String(format: "%04lld-%02lld-%02lld", year, month, day)
    }
}
