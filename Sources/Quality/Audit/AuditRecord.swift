import LedgerCore

/// A change record as the checker sees it: its parsed JSON plus the envelope values the checks
/// use. Only `category`, `id` and `op` must be present (the ledger guarantees them); every other
/// field may be missing or malformed, because that is what the audit reports.
public struct AuditRecord: Sendable {
    public let category: String
    public let id: String
    public let op: ChangeRecord.Operation
    /// The whole record.
    public let value: JSONValue
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
        guard let category = value.member("category")?.stringValue, let id = value.member("id")?.stringValue,
              let opText = value.member("op")?.stringValue, let op = ChangeRecord.Operation(rawValue: opText) else {
            throw QualityError(.invalidRecord, "record\(index.map { " \($0)" } ?? "") lacks a string category and id, or op upsert|revoke")
        }
        self.category = category
        self.id = id
        self.op = op
        self.value = value
        self.index = index
    }

    public var entityUSCC: String? { value.member("entity")?.member("uscc")?.stringValue }
    public var entityName: String? { value.member("entity")?.member("name")?.stringValue }
    /// `occurred_at` as written.
    public var occurredAt: String? { value.member("occurred_at")?.stringValue }
    /// `recorded_at` as written.
    public var recordedAt: String? { value.member("recorded_at")?.stringValue }
    /// `published_at` as written.
    public var publishedAt: String? { value.member("published_at")?.stringValue }
    /// The category-specific `fields` object.
    public var fields: JSONValue? { value.member("fields") }

    /// `occurred_at` as a date, if it is a valid `YYYY-MM-DD`.
    public var occurredOn: CivilDate? { occurredAt.flatMap { CivilDate(iso: $0) } }
    /// The civil date of `recorded_at` in its own offset, if it is valid RFC 3339.
    public var recordedOn: CivilDate? { recordedAt.flatMap { CivilDate(dateTime: $0) } }
    /// The civil date of `published_at` in its own offset, if present and valid RFC 3339.
    public var publishedOn: CivilDate? { publishedAt.flatMap { CivilDate(dateTime: $0) } }

    /// The value at a dotted path (`fields.fine_amount`, `entity.uscc`, `occurred_at`).
    public func value(at path: String) -> JSONValue? {
        RecordPath.lookup(value, RecordPath.components(path))
    }
}
