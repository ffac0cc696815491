import Foundation
import LedgerCore
import Quality
import Synthetic
import TestSupport
import Testing

@Suite("Working-day calendar")
struct WorkingCalendarTests {
    let calendar = QualityTestSupport.calendar

    struct Vectors: Decodable {
        struct Deadline: Decodable { var start: String; var plus7: String; var plus20: String }
        struct Count: Decodable { var a: String; var b: String; var workingDays: Int }
        var deadlines: [Deadline]
        var counts: [Count]
        var yearTotals: [String: Int]
    }

    func date(_ text: String) throws -> CivilDate { try #require(CivilDate(iso: text)) }

    @Test("every vector of workdays.json")
    func vectors() throws {
        let vectors = try TestSupport.Vectors.decode(Vectors.self, from: "workdays.json")
        #expect(vectors.deadlines.count == 16 && vectors.counts.count == 8 && vectors.yearTotals.count == 4)
        for deadline in vectors.deadlines {
            let start = try date(deadline.start)
            #expect(try calendar.date(7, workingDaysAfter: start).iso == deadline.plus7, "7 after \(deadline.start)")
            #expect(try calendar.date(20, workingDaysAfter: start).iso == deadline.plus20, "20 after \(deadline.start)")
            #expect(try calendar.workingDays(after: start, through: date(deadline.plus7)) == 7)
            #expect(try calendar.workingDays(after: start, through: date(deadline.plus20)) == 20)
        }
        for count in vectors.counts {
            #expect(try calendar.workingDays(after: date(count.a), through: date(count.b)) == count.workingDays, "\(count.a)…\(count.b)")
        }
        for (year, total) in vectors.yearTotals {
            #expect(try calendar.workingDays(inYear: Int(year)!) == total, "\(year)")
        }
    }

    @Test("holidays, adjusted weekends and the uncounted start day")
    func days() throws {
        #expect(try calendar.isWorkingDay(date("2026-10-01")) == false)  // 国庆节, a Thursday
        #expect(try calendar.isWorkingDay(date("2026-10-10")) == true)   // 调休上班, a Saturday
        #expect(try calendar.isWorkingDay(date("2026-10-11")) == false)  // Sunday
        #expect(try calendar.workingDays(after: date("2026-10-09"), through: date("2026-10-09")) == 0)
        #expect(try calendar.workingDays(after: date("2026-10-12"), through: date("2026-10-09")) == 0)
        #expect(try calendar.date(0, workingDaysAfter: date("2026-10-03")).iso == "2026-10-03")
        // The day before the first covered year may start a period: it is not counted.
        #expect(try calendar.workingDays(after: date("2022-12-31"), through: date("2023-01-04")) == 2)
    }

    @Test("date-times count in Beijing time: Z and other offsets are converted before the date is taken")
    func beijingDates() throws {
        #expect(CivilDate(dateTime: "2026-09-30T23:30:00+08:00")?.iso == "2026-09-30")
        #expect(CivilDate(dateTime: "2026-09-30T15:59:59Z")?.iso == "2026-09-30")
        #expect(CivilDate(dateTime: "2026-09-30T16:00:00Z")?.iso == "2026-10-01", "midnight in Beijing")
        #expect(CivilDate(dateTime: "2026-09-30T16:00:00.250Z")?.iso == "2026-10-01")
        #expect(CivilDate(dateTime: "2026-10-01T01:00:00+09:00")?.iso == "2026-10-01")
        #expect(CivilDate(dateTime: "2026-10-01T00:30:00+09:00")?.iso == "2026-09-30")
        #expect(CivilDate(dateTime: "2026-12-31T20:00:00-05:00")?.iso == "2027-01-01", "across a year end")
        #expect(CivilDate(dateTime: "2026-09-30T16:00:00") == nil, "an offset is required")
        // A record stamped in UTC late on the day it was decided is recorded the next Beijing day.
        let late = try AuditRecord(value: QualityTestSupport.generated(50).first { $0["category"]?.stringValue == "admin_penalty" }!
            .setting("recorded_at", to: .string("2026-09-30T17:00:00Z")))
        #expect(late.recordedOn?.iso == "2026-10-01")
        // Instants (push-down lag) too.
        let formatter = ISO8601DateFormatter()
        for (instant, date) in [("2026-09-30T15:59:59Z", "2026-09-30"), ("2026-09-30T16:00:00Z", "2026-10-01"), ("1969-12-31T15:00:00Z", "1969-12-31"),
                                ("1969-12-31T16:00:00Z", "1970-01-01")] {
            #expect(CivilDate(beijing: formatter.date(from: instant)!.timeIntervalSince1970).iso == date, "\(instant)")
        }
        // 1 to 7 October 2026 is the National Day holiday: an item appended on 30 September and
        // applied on 9 October took 2 working days (8 and 9 October), not 9 days.
        let calendar = QualityTestSupport.calendar
        let lag = try calendar.workingDays(after: CivilDate(beijing: formatter.date(from: "2026-09-30T02:00:00Z")!.timeIntervalSince1970),
                                           through: CivilDate(beijing: formatter.date(from: "2026-10-09T01:00:00Z")!.timeIntervalSince1970))
        #expect(lag == 2)
    }

    @Test("a date outside the covered years is an error, never a guess")
    func uncovered() throws {
        #expect(calendar.coveredYears == 2023...2026)
        for (a, b) in [("2026-12-30", "2027-01-05"), ("2022-12-01", "2023-01-05")] {
            #expect { try calendar.workingDays(after: date(a), through: date(b)) } throws: { ($0 as? QualityError)?.code == "calendar.not-covered" }
        }
        #expect { try calendar.isWorkingDay(date("2027-01-04")) } throws: { ($0 as? QualityError)?.code == "calendar.not-covered" }
        #expect { try calendar.date(5, workingDaysAfter: date("2026-12-28")) } throws: { ($0 as? QualityError)?.code == "calendar.not-covered" }
    }

    @Test("calendar files with gaps or stray dates are refused, naming the key")
    func invalid() {
        func error(_ json: String) -> QualityError? {
            do {
                _ = try WorkingCalendar(bytes: Array(json.utf8))
                return nil
            } catch { return error }
        }
        #expect(error(#"{"covered_years":[2024,2026],"holidays":{},"adjusted_workdays":{}}"#)?.key == "covered_years")
        #expect(error(#"{"covered_years":[2026],"holidays":{"2027-01-01":"元旦"},"adjusted_workdays":{}}"#)?.key == "holidays.2027-01-01")
        #expect(error(#"{"covered_years":[2026],"holidays":{},"adjusted_workdays":{},"holiday":{}}"#)?.key == "holiday")
        #expect(error(#"{"covered_years":[2026],"holidays":{"2026-10-10":"x"},"adjusted_workdays":{"2026-10-10":"x"}}"#)?.key == "adjusted_workdays.2026-10-10")
        #expect(error("{")?.code == "calendar.invalid")
    }
}
