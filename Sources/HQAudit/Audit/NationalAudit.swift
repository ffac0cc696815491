public import Foundation
public import HQStorage
import LedgerCore
import Quality
import Reports

/// `hq audit --all`: every enrolled province's audit, each in its own directory, and a national
/// summary ranking provinces by overall score with every dimension side by side and the change
/// against the previous month.
public struct NationalAudit: Sendable {
    public let storage: any HQStorage
    public let audits: any AuditStore

    /// `storage` is read (HQ's, or a hot standby's); audits are kept in `audits` (HQ's primary).
    public init(storage: any HQStorage, audits: (any AuditStore)? = nil) {
        self.storage = storage
        self.audits = audits ?? storage.audits
    }

    /// One row of the ranking.
    public struct Entry: Codable, Sendable, Equatable {
        public var rank: Int
        public var province: String
        public var provinceName: String?
        public var summary: AuditSummary
        /// Overall change against the previous month, if it was audited.
        public var change: Double?
        public var previousMonth: String?
        /// The increment's score (records recorded in the month) and its change against the
        /// previous month's increment: whether new data is getting better.
        public var increment: Double?
        public var incrementChange: Double?

        public init(rank: Int, province: String, provinceName: String?, summary: AuditSummary, change: Double?, previousMonth: String?,
                    increment: Double?, incrementChange: Double?) {
            self.rank = rank
            self.province = province
            self.provinceName = provinceName
            self.summary = summary
            self.change = change
            self.previousMonth = previousMonth
            self.increment = increment
            self.incrementChange = incrementChange
        }

        enum CodingKeys: String, CodingKey {
            case rank, province, summary, change, increment
            case provinceName = "province_name"
            case previousMonth = "previous_month"
            case incrementChange = "increment_change"
        }
    }

    /// `national.json`.
    public struct Ranking: Codable, Sendable, Equatable {
        public var schema = "creditsync/national-audit/v1"
        public var month: String
        public var createdAt: String
        public var rulesVersion: String
        public var rulesSHA256: String
        /// Best first; provinces without a score last, by code.
        public var provinces: [Entry]
        /// How equal overall scores are ordered.
        public var tieBreak = NationalAudit.tieBreak

        enum CodingKeys: String, CodingKey {
            case schema, month, provinces
            case tieBreak = "tie_break"
            case createdAt = "created_at"
            case rulesVersion = "rules_version"
            case rulesSHA256 = "rules_sha256"
        }
    }

    /// The ranking's order, as national.json and national.html state it.
    public static let tieBreak = "overall score, higher first; equal overall scores by the increment score, higher first; then by division code; provinces without a score last"

    public static let rankingFile = "national.json"
    public static let reportFile = "national.html"

    /// Audits each enrolled province into `directory/<code>/`, then writes the ranking.
    /// `progress` hears each province as it finishes.
    public func run(_ plan: AuditPlan, output directory: URL, now: Date = Date(),
                    progress: (ProvinceAuditor.Outcome) -> Void = { _ in }) async throws -> Ranking {
        let enrolments = try await storage.registry.enrolments().sorted { $0.province < $1.province }
        guard !enrolments.isEmpty else {
            throw AuditError(.notEnrolled, "no province is enrolled at HQ", hint: "enrol provinces with `creditsync hq enroll` first")
        }
        let auditor = ProvinceAuditor(storage: storage, audits: audits)
        var entries: [Entry] = []
        for enrolment in enrolments {
            var provincePlan = plan
            provincePlan.province = enrolment.province
            provincePlan.mirrorSize = nil
            provincePlan.registerSize = nil
            let outcome = try await auditor.run(provincePlan, output: directory.appendingPathComponent(enrolment.province, isDirectory: true), now: now)
            progress(outcome)
            entries.append(Entry(rank: 0, province: enrolment.province, provinceName: outcome.document.provinceName, summary: outcome.summary,
                                 change: outcome.document.trend?.overall.change, previousMonth: outcome.document.trend?.previousMonth,
                                 increment: outcome.summary.increment, incrementChange: outcome.document.trend?.increment.change))
        }
        entries.sort(by: Self.ranksBefore)
        for index in entries.indices { entries[index].rank = index + 1 }
        let ranking = Ranking(month: plan.period.description, createdAt: ISO8601DateFormatter().string(from: now),
                              rulesVersion: plan.rules.version, rulesSHA256: plan.rules.sha256, provinces: entries)
        try write(ranking, language: plan.language, to: directory)
        return ranking
    }

    /// `tieBreak`: overall, then increment (a score before none), then code.
    public static func ranksBefore(_ a: Entry, _ b: Entry) -> Bool {
        func order(_ x: Double?, _ y: Double?) -> Bool? {
            switch (x, y) {
            case let (x?, y?) where x != y: x > y
            case (_?, nil): true
            case (nil, _?): false
            default: nil
            }
        }
        return order(a.summary.overall, b.summary.overall) ?? order(a.increment, b.increment) ?? (a.province < b.province)
    }

    func write(_ ranking: Ranking, language: ReportLanguage, to directory: URL) throws {
        let json = try OutputFile(directory.appendingPathComponent(".\(Self.rankingFile).partial"))
        try json.write(try AuditDocument.encoder().encode(ranking))
        try json.write("\n")
        try json.close()
        let html = try OutputFile(directory.appendingPathComponent(".\(Self.reportFile).partial"))
        try html.write(NationalReportHTML(ranking: ranking, language: language).render())
        try html.close()
        for name in [Self.rankingFile, Self.reportFile] {
            let from = directory.appendingPathComponent(".\(name).partial")
            guard rename(from.path, directory.appendingPathComponent(name).path) == 0 else {
                throw AuditError(.output, "cannot move \(name) into \(directory.path) (errno \(errno))", hint: "check the output directory's permissions")
            }
        }
    }
}
