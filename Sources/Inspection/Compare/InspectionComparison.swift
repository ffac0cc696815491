import LedgerCore

/// The three comparisons of an on-site inspection (notices/2023-25-data-quality-improvement.txt:43),
/// one verdict per sampled record and one row per inconsistency: the central register against the
/// bureau's system (the bundle's `central` and `entry`), the system against the bureau's archive
/// (the inspector's archive CSV), and the archive against reality (the inspector's on-site CSV).
/// Lookups are hash joins on `category/id`: memory follows the sample and the input files, not the
/// log.
public struct InspectionComparison: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The archive saw what the system holds (or, with no field named, holds the record).
        case match
        /// The archive saw another value of a field.
        case differs
        /// A sampled record that no archive row mentions.
        case systemOnly = "system_only"
        /// An archive row for a record the sample does not hold.
        case archiveOnly = "archive_only"
        /// The central register holds another value of a field of the record.
        case centralDiffers = "central_differs"
        /// The central register does not hold the record.
        case centralMissing = "central_missing"
        /// On site, the archive did not match reality.
        case realityDiffers = "reality_differs"
        /// On site, the archive could not be checked against reality.
        case realityUnverified = "reality_unverified"

        /// Rows that are not a plain agreement.
        public var isDiscrepancy: Bool { self != .match }
    }

    public struct Row: Sendable, Equatable {
        public var kind: Kind
        public var uscc: String
        public var name: String
        public var category: String
        public var recordID: String
        public var field: String
        public var systemValue: String
        /// What the archive showed, or for a `central_…` row the central register's value.
        public var archiveValue: String
        public var note: String
        /// The record's log index, when the system holds it.
        public var index: UInt64?
        /// The line of the inspector's file the row came from.
        public var line: Int?

        public init(kind: Kind, uscc: String, name: String, category: String, recordID: String, field: String, systemValue: String,
                    archiveValue: String, note: String, index: UInt64?, line: Int?) {
            (self.kind, self.uscc, self.name, self.category, self.recordID, self.field) = (kind, uscc, name, category, recordID, field)
            (self.systemValue, self.archiveValue, self.note, self.index, self.line) = (systemValue, archiveValue, note, index, line)
        }
    }

    /// Each comparison's verdict for one sampled record.
    public enum Verdict: String, Sendable, CaseIterable {
        case consistent, inconsistent, unverifiable
        /// Not compared: no central register in the bundle, or no on-site finding given.
        case notCompared = "not_compared"
    }

    public struct Item: Sendable, Equatable {
        public var sampled: StratifiedSample.Item
        public var central: Verdict
        public var archive: Verdict
        public var reality: Verdict
        public var realityNote: String
        public var clean: Bool { ![central, archive, reality].contains(.inconsistent) }
    }

    public var rows: [Row] = []
    public var items: [Item] = []
    /// Rows of the on-site file that name no sampled record, or name one twice.
    public var rejections: [ArchiveCSV.Rejection] = []
    /// Rows of the archive file about records that were not sampled but that the system holds,
    /// or of categories the inspection did not sample (neither is a finding).
    public var archiveRejections: [ArchiveCSV.Rejection] = []

    public func count(_ kind: Kind) -> Int { rows.lazy.filter { $0.kind == kind }.count }

    public init(bundle: VerifiedBundle, archive: ArchiveCSV, onsite: OnsiteCSV? = nil) throws {
        var byKey: [[UInt8]: BundleRecord] = [:]
        for record in bundle.records { byKey[RecordKey.bytes(record.category, record.id)] = record }
        let names = Dictionary(bundle.plan.sample.map { (RecordKey.bytes($0.category, $0.id), $0.name) }, uniquingKeysWith: { first, _ in first })
        var archiveVerdict: [[UInt8]: Verdict] = [:]

        // The system against the archive. Rows about records that were not sampled: whether the
        // system holds them, from one more pass over the bundle's log.
        let sampledCategories = bundle.sampledCategories
        let unsampled = Set(archive.rows.map { RecordKey.bytes($0.category, $0.recordID) }.filter { byKey[$0] == nil })
        let current = try bundle.currentRecords(among: unsampled)
        for row in archive.rows {
            let key = RecordKey.bytes(row.category, row.recordID)
            guard let record = byKey[key] else {
                // Not sampled: in the archive, not in the system only when the log says so.
                switch sampledCategories.contains(row.category) ? current.contains(key) : nil {
                case false?:
                    rows.append(Row(kind: .archiveOnly, uscc: "", name: "", category: row.category, recordID: row.recordID, field: row.field,
                                    systemValue: "", archiveValue: row.valueSeen, note: row.note, index: nil, line: row.line))
                case true?:
                    archiveRejections.append(.init(line: row.line, reason: "\(row.category)/\(row.recordID) is in the system but not sampled: compare sampled records only"))
                case nil:
                    archiveRejections.append(.init(line: row.line, reason: "\(row.category) is not a category this inspection sampled: the bundle cannot tell whether the system holds \(row.recordID)"))
                }
                continue
            }
            // A sampled record is current (its latest entry an upsert): no archive row meets a revoked one.
            let system = row.field.isEmpty ? "" : Self.lookup(record.value, row.field)?.text ?? ""
            let kind: Kind = row.field.isEmpty || Self.same(system, row.valueSeen) ? .match : .differs
            rows.append(Row(kind: kind, uscc: record.uscc, name: names[key] ?? "", category: row.category, recordID: row.recordID, field: row.field,
                            systemValue: system, archiveValue: row.valueSeen, note: row.note, index: record.index, line: row.line))
            archiveVerdict[key] = kind == .match && archiveVerdict[key] != .inconsistent ? .consistent : .inconsistent
        }
        for record in bundle.records where archiveVerdict[RecordKey.bytes(record.category, record.id)] == nil {
            let key = RecordKey.bytes(record.category, record.id)
            rows.append(Row(kind: .systemOnly, uscc: record.uscc, name: names[key] ?? "", category: record.category, recordID: record.id,
                            field: "", systemValue: "", archiveValue: "", note: "", index: record.index, line: nil))
            archiveVerdict[key] = .inconsistent
        }

        // The central register against the system.
        var centralVerdict: [[UInt8]: Verdict] = [:]
        for record in bundle.records {
            let key = RecordKey.bytes(record.category, record.id)
            guard bundle.registerSize != nil else { centralVerdict[key] = .notCompared; continue }
            guard let central = record.centralValue, central["op"]?.stringValue != ChangeRecord.Operation.revoke.rawValue else {
                rows.append(Row(kind: .centralMissing, uscc: record.uscc, name: names[key] ?? "", category: record.category, recordID: record.id,
                                field: "", systemValue: "", archiveValue: "", note: "", index: record.index, line: nil))
                centralVerdict[key] = .inconsistent
                continue
            }
            let differing = Self.differingPaths(record.value, central)
            for path in differing {
                rows.append(Row(kind: .centralDiffers, uscc: record.uscc, name: names[key] ?? "", category: record.category, recordID: record.id,
                                field: path, systemValue: record.value.value(at: path)?.text ?? "", archiveValue: central.value(at: path)?.text ?? "",
                                note: "", index: record.index, line: nil))
            }
            centralVerdict[key] = differing.isEmpty ? .consistent : .inconsistent
        }

        // The archive against reality.
        var realityVerdict: [[UInt8]: (Verdict, String)] = [:]
        for row in onsite?.rows ?? [] {
            let key = RecordKey.bytes(row.category, row.recordID)
            guard let record = byKey[key] else {
                rejections.append(.init(line: row.line, reason: "\(row.category)/\(row.recordID) is not a sampled record"))
                continue
            }
            guard realityVerdict[key] == nil else {
                rejections.append(.init(line: row.line, reason: "\(row.category)/\(row.recordID) has an on-site finding already: one row per record"))
                continue
            }
            realityVerdict[key] = (row.finding, row.note)
            let kind: Kind? = row.finding == .inconsistent ? .realityDiffers : row.finding == .unverifiable ? .realityUnverified : nil
            if let kind {
                rows.append(Row(kind: kind, uscc: record.uscc, name: names[key] ?? "", category: record.category, recordID: record.id,
                                field: "", systemValue: "", archiveValue: "", note: row.note, index: record.index, line: row.line))
            }
        }
        items = bundle.plan.sample.map { sampled in
            let key = RecordKey.bytes(sampled.category, sampled.id)
            let reality = realityVerdict[key]
            return Item(sampled: sampled, central: centralVerdict[key] ?? .notCompared, archive: archiveVerdict[key] ?? .notCompared,
                        reality: reality?.0 ?? .notCompared, realityNote: reality?.1 ?? "")
        }
    }

    /// The paths where the central register's record and the system's differ: `entity.uscc`,
    /// `entity.name`, `occurred_at` and each member of `fields` (bookkeeping such as
    /// `recorded_at` and `change_id` is each system's own).
    static func differingPaths(_ local: JSONValue, _ central: JSONValue) -> [String] {
        var paths = ["entity.uscc", "entity.name", "occurred_at"]
        var members: Set<String> = []
        for side in [local, central] {
            if case .object(let fields)? = side["fields"] { for member in fields { members.insert(member.key) } }
        }
        paths += members.sorted().map { "fields.\($0)" }
        return paths.filter { local.value(at: $0)?.text != central.value(at: $0)?.text }
    }

    /// A field as the archive names it: a dotted path from the record (`entity.name`,
    /// `fields.amount`), a top-level member (`occurred_at`), or a member of `fields` (`amount`).
    static func lookup(_ value: JSONValue, _ field: String) -> JSONValue? {
        if field.contains(".") { return value.value(at: field) }
        if let member = value[field] { return member }
        return value["fields"]?[field]
    }

    /// Equal as text, or as decimal numbers ("5" and "5.00" are one amount in 万元).
    static func same(_ system: String, _ archive: String) -> Bool {
        if system == archive { return true }
        guard let left = decimal(system), let right = decimal(archive) else { return false }
        return left == right
    }

    /// A plain decimal without trailing fractional zeros; nil if `text` is not one.
    static func decimal(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        let whole = parts[0].drop { $0 == "0" }
        var fraction = parts.count == 2 ? Substring(parts[1]) : ""
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return (whole.isEmpty ? "0" : String(whole)) + (fraction.isEmpty ? "" : "." + fraction)
    }
}
