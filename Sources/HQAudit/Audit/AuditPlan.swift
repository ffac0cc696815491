import Foundation
public import Quality
public import Reports

/// What one province's audit reads, under which rules, and how it reports.
public struct AuditPlan: Sendable {
    public var province: String
    public var period: AuditPeriod
    public var rules: QualityRules
    public var calendar: WorkingCalendar
    /// The mirror checkpoint to read; nil reads the latest complete one. Set to rerun an audit.
    public var mirrorSize: UInt64?
    /// The central register's size to read; nil reads all of it. Set to rerun an audit.
    public var registerSize: UInt64?
    public var language: ReportLanguage
    /// Findings per rule (and gaps per kind) the HTML report shows; the CSV has them all.
    public var examplesPerRule: Int
    /// State rows read per query from each side of the merge.
    public var pageSize: Int
    /// Also split the problem list into one CSV per source unit (`by-source/`).
    public var bySource: Bool

    public init(province: String, period: AuditPeriod, rules: QualityRules, calendar: WorkingCalendar, mirrorSize: UInt64? = nil,
                registerSize: UInt64? = nil, language: ReportLanguage = .chinese, examplesPerRule: Int = 20, pageSize: Int = 5_000,
                bySource: Bool = false) {
        self.province = province
        self.period = period
        self.rules = rules
        self.calendar = calendar
        self.mirrorSize = mirrorSize
        self.registerSize = registerSize
        self.language = language
        self.examplesPerRule = examplesPerRule
        self.pageSize = pageSize
        self.bySource = bySource
    }
}
