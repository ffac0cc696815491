public import LedgerCore

/// A change record as the checker sees it: its JSON (a tree, or canonical bytes read in place)
/// plus the envelope values the checks use. Only `category`, `id` and `op` must be present (the
/// ledger guarantees them); every other field may be missing or malformed, because that is what
/// the audit reports.
public struct AuditRecord: Sendable {
    public let category: String
    public let id: String
    public let op: ChangeRecord.Operation
    /// The record's JSON, as the checks read it.
    public let json: RecordJSON
    /// The record's index in its log, if known; findings carry it.
    public let index: UInt64?
    /// The digest `GroupChecker` compares for identical records, when it was taken from the whole
    /// record before the record was reduced (`GroupChecker.projection`).
    public var contentDigest: String?

    /// Parses the record's canonical (or any) JSON bytes.
    public init(bytes: some Collection<UInt8>, index: UInt64? = nil) throws(QualityError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw QualityError(.invalidRecord, "record\(index.map { " \($0)" } ?? "") is not valid JSON: \(error.message)")
        }
        try self.init(value: value, index: index)
    }

    public init(value: JSONValue, index: UInt64? = nil) throws(QualityError) {
        guard case .object = value else { throw QualityError(.invalidRecord, "a change record must be a JSON object") }
        try self.init(json: RecordJSON(value), index: index)
    }

    /// Stored canonical bytes (RFC 8785), read in place without a tree; `members` are their
    /// top-level members when the caller has scanned them already.
    public init(canonical bytes: [UInt8], members: [CanonicalMembers.Member]? = nil, index: UInt64? = nil) throws(QualityError) {
        guard let members = members ?? CanonicalMembers.scan(bytes), let json = RecordJSON(canonical: bytes, members: members) else {
            throw QualityError(.invalidRecord, "record\(index.map { " \($0)" } ?? "") is not a canonical JSON object")
        }
        try self.init(json: json, index: index)
    }

    init(json: RecordJSON, index: UInt64?) throws(QualityError) {
        guard let category = json.string(Self.categoryPath), let id = json.string(Self.idPath),
              let opText = json.string(Self.opPath), let op = ChangeRecord.Operation(rawValue: opText) else {
            throw QualityError(.invalidRecord, "record\(index.map { " \($0)" } ?? "") lacks a string category and id, or op upsert|revoke")
        }
        self.category = category
        self.id = id
        self.op = op
        self.json = json
        self.index = index
    }

    /// The whole record as a tree (parsed on each call when read from canonical bytes).
    public var value: JSONValue { json.tree }

    public var entityUSCC: String? { json.string(Self.entityUSCCPath) }
    public var entityName: String? { json.string(Self.entityNamePath) }
    /// `occurred_at` as written.
    public var occurredAt: String? { json.string(Self.occurredAtPath) }
    /// `recorded_at` as written.
    public var recordedAt: String? { json.string(Self.recordedAtPath) }
    /// `published_at` as written.
    public var publishedAt: String? { json.string(Self.publishedAtPath) }
    /// The category-specific `fields` object.
    public var fields: JSONValue? { json.lookup(Self.fieldsPath) }

    static let categoryPath = ["category"]
    static let idPath = ["id"]
    static let opPath = ["op"]
    static let fieldsPath = ["fields"]
    static let entityUSCCPath = ["entity", "uscc"]
    static let entityNamePath = ["entity", "name"]
    static let occurredAtPath = ["occurred_at"]
    static let recordedAtPath = ["recorded_at"]
    static let publishedAtPath = ["published_at"]

    /// `occurred_at` as a date, if it is a valid `YYYY-MM-DD`.
    public var occurredOn: CivilDate? { occurredAt.flatMap { CivilDate(iso: $0) } }
    /// The civil date of `recorded_at` in Beijing time, if it is valid RFC 3339.
    public var recordedOn: CivilDate? { recordedAt.flatMap { CivilDate(dateTime: $0) } }
    /// The civil date of `published_at` in Beijing time, if present and valid RFC 3339.
    public var publishedOn: CivilDate? { publishedAt.flatMap { CivilDate(dateTime: $0) } }

    /// The value at a dotted path (`fields.fine_amount`, `entity.uscc`, `occurred_at`).
    public func value(at path: String) -> JSONValue? {
        json.lookup(RecordPath.components(path))
    }
}
