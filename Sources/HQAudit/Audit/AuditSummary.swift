import Foundation
import HQStorage
public import Quality

/// An audit's figures as HQ keeps them (the `summary` of a `StoredAudit`): enough for the next
/// month's trend and the national ranking without reopening the audit's files.
public struct AuditSummary: Codable, Sendable, Equatable {
    public var province: String
    public var month: String
    public var createdAt: String
    public var overall: Double?
    /// The increment's overall score (records recorded in the month); absent in summaries
    /// stored before stock and increment were scored apart.
    public var increment: Double?
    /// Keyed by the English dimension name; null when nothing was checked for it.
    public var scores: [String: Double?]
    public var failing: Int
    public var checked: Int
    public var findings: Int
    public var gaps: [String: Int]
    public var mirrorSize: UInt64
    public var registerSize: UInt64
    public var rulesVersion: String
    public var rulesSHA256: String

    enum CodingKeys: String, CodingKey {
        case province, month, overall, increment, scores, failing, checked, findings, gaps
        case createdAt = "created_at"
        case mirrorSize = "mirror_size"
        case registerSize = "register_size"
        case rulesVersion = "rules_version"
        case rulesSHA256 = "rules_sha256"
    }

    init(_ document: AuditDocument) {
        province = document.province
        month = document.month
        createdAt = document.createdAt
        overall = document.overall.score
        increment = document.segments[Finding.Segment.increment.rawValue]?.overall.score
        scores = document.scores.mapValues(\.score)
        failing = document.overall.failing
        checked = document.overall.checked
        findings = document.records.findings
        gaps = document.gapCounts
        mirrorSize = document.mirror.size
        registerSize = document.register.size
        rulesVersion = document.rules.version
        rulesSHA256 = document.rules.sha256
    }

    init?(stored: StoredAudit) throws {
        self = try JSONDecoder().decode(AuditSummary.self, from: Data(stored.summary.utf8))
    }

    func json() throws -> String {
        String(decoding: try AuditDocument.encoder().encode(self), as: UTF8.self)
    }

    public func score(_ dimension: QualityDimension) -> Double? { scores[dimension.rawValue] ?? nil }
}
