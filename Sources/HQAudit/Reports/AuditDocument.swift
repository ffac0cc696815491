public import Foundation
public import Quality
public import Reconcile

/// `audit.json` without its `findings` and `gaps` arrays, which are streamed after it
/// (Protocol/audit.md). Everything a rerun needs is named: the mirror checkpoint, the register
/// size, the rules file and the calendar.
public struct AuditDocument: Codable, Sendable, Equatable {
    public static let schemaName = "creditsync/audit/v1"

    public var schema = AuditDocument.schemaName
    public var province: String
    public var provinceName: String?
    public var month: String
    public var periodStart: String
    public var periodEnd: String
    public var createdAt: String
    public var mirror: MirrorRead
    public var register: RegisterRead
    public var rules: RulesUsed
    public var calendarSHA256: String
    public var records: RecordCounts
    public var overall: Overall
    /// Keyed by the English dimension name (`accuracy`).
    public var scores: [String: DimensionEntry]
    /// Every rule of the catalogue, in catalogue order.
    public var ruleCounts: [RuleEntry]
    /// Keyed by gap kind (`missing_local`), every kind present.
    public var gapCounts: [String: Int]
    /// `stock` (recorded before the month) and `increment` (recorded in it), each scored alone
    /// under the same rules (2023-25, line 33: fix the stock, stop new defects).
    public var segments: [String: SegmentEntry]
    public var trend: Trend?
    /// On-site inspections compared in the month (absent in documents from before them).
    public var inspections: [InspectionEntry]?

    enum CodingKeys: String, CodingKey {
        case schema, province, month, mirror, register, rules, records, overall, scores, trend, segments, inspections
        case provinceName = "province_name"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case createdAt = "created_at"
        case calendarSHA256 = "calendar_sha256"
        case ruleCounts = "rule_counts"
        case gapCounts = "gap_counts"
    }

    public struct MirrorRead: Codable, Sendable, Equatable {
        public var origin: String
        public var size: UInt64
        /// Base64, as in the checkpoint.
        public var root: String
        /// The signed checkpoint read, as the province signed it (absent for an empty mirror).
        public var checkpoint: String?
    }

    public struct RegisterRead: Codable, Sendable, Equatable {
        public var size: UInt64
    }

    public struct RulesUsed: Codable, Sendable, Equatable {
        public var version: String
        public var sha256: String
    }

    public struct RecordCounts: Codable, Sendable, Equatable {
        /// State records read from the mirror (the latest of each key), revoked ones included.
        public var local: Int
        public var revoked: Int
        /// Records recorded in the month: the timeliness population.
        public var recordedInPeriod: Int
        /// State records read from the central register.
        public var central: Int
        public var findings: Int
        public var gaps: Int
        /// State records whose information arose before the audit's scope: counted, not checked.
        public var outOfScope: Int

        enum CodingKeys: String, CodingKey {
            case local, revoked, central, findings, gaps
            case recordedInPeriod = "recorded_in_period"
            case outOfScope = "out_of_scope"
        }
    }

    public struct SegmentEntry: Codable, Sendable, Equatable {
        public var overall: Overall
        /// Keyed by the English dimension name, like the document's `scores`.
        public var scores: [String: DimensionEntry]
        /// Finding rows of the segment.
        public var findings: Int
    }

    public struct Overall: Codable, Sendable, Equatable {
        public var score: Double?
        public var failing: Int
        public var checked: Int
    }

    public struct DimensionEntry: Codable, Sendable, Equatable {
        public var nameZh: String
        /// 0–100, two decimals; null when nothing was checked for it.
        public var score: Double?
        public var failing: Int
        public var checked: Int
        public var weight: Double
        public var categories: [CategoryScore]
        /// Every (rule, category) of the dimension with its failing records, checked records and
        /// weight: with `categories`, what recomputes the score (Protocol/audit.md §2).
        public var rules: [RuleCount]

        enum CodingKeys: String, CodingKey {
            case score, failing, checked, weight, categories, rules
            case nameZh = "name_zh"
        }
    }

    public struct RuleEntry: Codable, Sendable, Equatable {
        public var rule: String
        public var dimension: QualityDimension
        public var name: String
        public var nameEn: String
        public var weight: Double
        /// Distinct records failing the rule, over every category.
        public var failing: Int
        /// Records checked for the rule's dimension, over every category.
        public var checked: Int
        /// Finding rows (a record may fail one rule in two fields).
        public var findings: Int

        enum CodingKeys: String, CodingKey {
            case rule, dimension, name, weight, failing, checked, findings
            case nameEn = "name_en"
        }
    }

    public struct Trend: Codable, Sendable, Equatable {
        public var previousMonth: String
        public var previousCreatedAt: String
        public var overall: Change
        /// The headline: the increment's overall score against the previous month's increment.
        public var increment: Change
        public var scores: [String: Change]

        enum CodingKeys: String, CodingKey {
            case overall, scores, increment
            case previousMonth = "previous_month"
            case previousCreatedAt = "previous_created_at"
        }
    }

    public struct Change: Codable, Sendable, Equatable {
        public var previous: Double?
        public var current: Double?
        /// current − previous, two decimals; null unless both are known.
        public var change: Double?

        init(previous: Double?, current: Double?) {
            self.previous = previous
            self.current = current
            change = previous.flatMap { p in current.map { (($0 - p) * 100).rounded(.toNearestOrAwayFromZero) / 100 } }
        }
    }
}

extension AuditDocument {
    /// An overall score with its dimensions: the whole audit's, or one segment's.
    public struct Scores: Sendable {
        public var overall: Double?
        public var scores: [String: DimensionEntry]

        public init(overall: Double?, scores: [String: DimensionEntry]) {
            self.overall = overall
            self.scores = scores
        }
    }

    /// The whole audit's scores.
    public var allScores: Scores { Scores(overall: overall.score, scores: scores) }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The whole-file reader for tools and tests: the header plus the streamed arrays.
    public struct File: Decodable, Sendable {
        public var header: AuditDocument
        public var findings: [Finding]
        public var gaps: [Gap]

        enum CodingKeys: String, CodingKey { case findings, gaps }

        public init(from decoder: any Decoder) throws {
            header = try AuditDocument(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            findings = try container.decode([Finding].self, forKey: .findings)
            gaps = try container.decode([Gap].self, forKey: .gaps)
        }
    }

    /// Reads an `audit.json`.
    public static func read(_ url: URL) throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }
}
