/// One ledger entry (DESIGN §3): a change record held as its RFC 8785 canonical bytes, which are
/// exactly what is hashed, signed, stored and sent, plus the envelope fields the ledger needs.
///
/// Ingest rejects only what is structurally unusable; everything else is recorded as it came,
/// because the quality audit must see bad data to report it.
public struct ChangeRecord: Sendable, Equatable {
    /// Largest accepted record, in bytes, both as received and as canonicalised.
    public static let maximumSize = 64 * 1024

    public let canonicalBytes: [UInt8]
    public let changeID: String
    public let province: String
    public let category: String
    public let id: String
    public let operation: Operation
    /// Canonical bytes of `{category, id, op, entity, fields, occurred_at, source}`; the suite
    /// hash of these is the record's content hash, the same whatever the producers' clocks.
    public let contentBytes: [UInt8]

    public enum Operation: String, Sendable {
        case upsert
        case revoke
    }

    static let contentKeys = ["category", "id", "op", "entity", "fields", "occurred_at", "source"]

    /// Parses producer JSON (any formatting) into a record of `province`.
    public init(parsing bytes: some Collection<UInt8>, province expected: String) throws(LedgerCoreError) {
        guard bytes.count <= Self.maximumSize else {
            throw LedgerCoreError(.recordTooLarge, "record is \(bytes.count) bytes, over the \(Self.maximumSize)-byte limit")
        }
        let value = try JSONParser.parse(bytes)
        try self.init(value: value, canonicalBytes: CanonicalJSON.encode(value), province: expected)
    }

    /// Parses an entry that must already be in canonical form, as ledgers exchange them.
    public init(canonicalEntry bytes: [UInt8], province expected: String) throws(LedgerCoreError) {
        guard bytes.count <= Self.maximumSize else {
            throw LedgerCoreError(.recordTooLarge, "entry is \(bytes.count) bytes, over the \(Self.maximumSize)-byte limit")
        }
        let value = try JSONParser.parse(bytes)
        let canonical = CanonicalJSON.encode(value)
        guard canonical == bytes else {
            throw LedgerCoreError(.notCanonical, "entry is not in RFC 8785 canonical form")
        }
        try self.init(value: value, canonicalBytes: canonical, province: expected)
    }

    init(value: JSONValue, canonicalBytes: [UInt8], province expected: String) throws(LedgerCoreError) {
        guard case .object(let members) = value else {
            throw LedgerCoreError(.recordNotObject, "a change record must be a JSON object")
        }
        guard canonicalBytes.count <= Self.maximumSize else {
            throw LedgerCoreError(.recordTooLarge, "canonical record is \(canonicalBytes.count) bytes, over the \(Self.maximumSize)-byte limit")
        }
        func required(_ key: String) throws(LedgerCoreError) -> String {
            guard let field = value[key] else {
                throw LedgerCoreError(.missingField, "missing \(key)")
            }
            guard case .string(let text) = field, !text.isEmpty else {
                throw LedgerCoreError(.invalidField, "\(key) must be a non-empty string")
            }
            return text
        }
        self.changeID = try required("change_id")
        self.province = try required("province")
        self.category = try required("category")
        self.id = try required("id")
        let op = try required("op")
        guard let operation = Operation(rawValue: op) else {
            throw LedgerCoreError(.invalidField, "op must be \"upsert\" or \"revoke\", got \"\(op)\"")
        }
        self.operation = operation
        guard province == expected else {
            throw LedgerCoreError(.wrongProvince, "record is for province \(province), this ledger holds \(expected)")
        }
        self.canonicalBytes = canonicalBytes
        let content = members.filter { Self.contentKeys.contains($0.key) }
        self.contentBytes = CanonicalJSON.encode(.object(content))
    }
}
