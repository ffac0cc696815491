import LedgerCore

/// The system (a verified bundle's records) against the inspector's archive findings: every
/// archive row and every sampled record lands in exactly one kind.
public struct ArchiveComparison: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The archive saw what the system holds (or, with no field named, holds the record).
        case match
        /// The archive saw another value of a field.
        case differs
        /// A sampled entity's current record that no archive row mentions.
        case systemOnly = "system_only"
        /// An archive row for a record the sampled entities' current records do not hold.
        case archiveOnly = "archive_only"
        /// An archive row for a record the system holds as revoked (withdrawn).
        case revokedInSystem = "revoked_in_system"

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
        public var archiveValue: String
        public var note: String
        /// The record's log index, when the system holds it.
        public var index: UInt64?
        /// The archive row's line, when it comes from the archive.
        public var line: Int?
    }

    public struct EntityResult: Sendable, Equatable {
        public var sampled: InspectionPlan.Sampled
        public var counts: [Kind: Int]
        public var clean: Bool { counts.allSatisfy { !$0.key.isDiscrepancy || $0.value == 0 } }
    }

    public var rows: [Row] = []
    public var entities: [EntityResult] = []

    public func count(_ kind: Kind) -> Int { rows.lazy.filter { $0.kind == kind }.count }

    public init(bundle: VerifiedBundle, archive: ArchiveCSV) {
        struct Key: Hashable { var category: String; var id: String }
        let names = Dictionary(bundle.plan.sample.map { ($0.uscc, $0.name) }, uniquingKeysWith: { first, _ in first })
        var records: [Key: (record: BundleRecord, value: JSONValue)] = [:]
        for record in bundle.records { records[Key(category: record.category, id: record.id)] = (record, record.value) }
        var mentioned: Set<Key> = []
        for row in archive.rows {
            let key = Key(category: row.category, id: row.recordID)
            guard let (record, value) = records[key] else {
                rows.append(Row(kind: .archiveOnly, uscc: "", name: "", category: row.category, recordID: row.recordID, field: row.field,
                                systemValue: "", archiveValue: row.valueSeen, note: row.note, index: nil, line: row.line))
                continue
            }
            mentioned.insert(key)
            let name = names[record.uscc] ?? ""
            let revoked = value["op"]?.stringValue == ChangeRecord.Operation.revoke.rawValue
            let system = row.field.isEmpty ? "" : Self.lookup(value, row.field)?.text ?? ""
            let kind: Kind = revoked ? .revokedInSystem : row.field.isEmpty || Self.same(system, row.valueSeen) ? .match : .differs
            rows.append(Row(kind: kind, uscc: record.uscc, name: name, category: row.category, recordID: row.recordID, field: row.field,
                            systemValue: system, archiveValue: row.valueSeen, note: row.note, index: record.index, line: row.line))
        }
        for record in bundle.records where !mentioned.contains(Key(category: record.category, id: record.id)) {
            guard records[Key(category: record.category, id: record.id)]?.value["op"]?.stringValue != ChangeRecord.Operation.revoke.rawValue else { continue }
            rows.append(Row(kind: .systemOnly, uscc: record.uscc, name: names[record.uscc] ?? "", category: record.category, recordID: record.id,
                            field: "", systemValue: "", archiveValue: "", note: "", index: record.index, line: nil))
        }
        entities = bundle.plan.sample.map { sampled in
            var counts: [Kind: Int] = [:]
            for row in rows where row.uscc == sampled.uscc { counts[row.kind, default: 0] += 1 }
            return EntityResult(sampled: sampled, counts: counts)
        }
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
