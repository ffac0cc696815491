/// One ledger entry (DESIGN §3): a change record held as its RFC 8785 canonical bytes, which are
/// exactly what is hashed, signed, stored and sent, plus the envelope fields the ledger needs.
///
/// Ingest rejects only what is structurally unusable; everything else is recorded as it came,
/// because the quality audit must see bad data to report it.
public struct ChangeRecord: Sendable, Equatable {
    /// Largest accepted record, in bytes, both as received and as canonicalised: what a 16-bit
    /// length prefix holds, as C2SP entry bundles and tlog-mirror packages frame entries.
    public static let maximumSize = 65_535

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

    /// Keys of the content members, as UTF-8 (compared by length first, cheaper than hashing).
    static let contentKeyBytes: [[UInt8]] = ["category", "id", "op", "entity", "fields", "occurred_at", "source"].map { Array($0.utf8) }
    private static let requiredKeyBytes = (changeID: Array("change_id".utf8), province: Array("province".utf8), category: Array("category".utf8),
                                           id: Array("id".utf8), op: Array("op".utf8))

    /// Parses producer JSON (any formatting) into a record of `province`; nil accepts any
    /// province (HQ's central register holds every province's records).
    public init(parsing bytes: [UInt8], province expected: String?) throws(LedgerCoreError) {
        guard bytes.count <= Self.maximumSize else {
            throw LedgerCoreError(.recordTooLarge, "record is \(bytes.count) bytes, over the \(Self.maximumSize)-byte limit")
        }
        let (canonical, members) = try CanonicalJSON.canonicalizeWithMembers(bytes)
        try self.init(canonical: canonical, members: members, province: expected)
    }

    /// A record from a JSON value the caller already parsed (and edited, as HQ routes central
    /// risk records): encoded canonically once and read from those bytes without parsing again.
    public init(value: JSONValue, province expected: String?) throws(LedgerCoreError) {
        guard case .object = value else { throw LedgerCoreError(.recordNotObject, "a change record must be a JSON object") }
        let canonical = CanonicalJSON.encode(value)
        guard let members = CanonicalMembers.scan(canonical) else {
            throw LedgerCoreError(.malformedJSON, "the record's canonical encoding does not scan")
        }
        try self.init(canonical: canonical, members: members.map { Canonicalizer.Member(key: $0.key, value: $0.value) }, province: expected)
    }

    /// Parses an entry that must already be in canonical form, as ledgers exchange them.
    public init(canonicalEntry bytes: [UInt8], province expected: String) throws(LedgerCoreError) {
        guard bytes.count <= Self.maximumSize else {
            throw LedgerCoreError(.recordTooLarge, "entry is \(bytes.count) bytes, over the \(Self.maximumSize)-byte limit")
        }
        let (canonical, members) = try CanonicalJSON.canonicalizeWithMembers(bytes)
        guard canonical == bytes else {
            throw LedgerCoreError(.notCanonical, "entry is not in RFC 8785 canonical form")
        }
        try self.init(canonical: canonical, members: members, province: expected)
    }

    private init(canonical canonicalBytes: [UInt8], members: [Canonicalizer.Member], province expected: String?) throws(LedgerCoreError) {
        guard canonicalBytes.first == UInt8(ascii: "{") else {
            throw LedgerCoreError(.recordNotObject, "a change record must be a JSON object")
        }
        guard canonicalBytes.count <= Self.maximumSize else {
            throw LedgerCoreError(.recordTooLarge, "canonical record is \(canonicalBytes.count) bytes, over the \(Self.maximumSize)-byte limit")
        }
        func required(_ name: [UInt8]) throws(LedgerCoreError) -> String {
            var key: String { String(decoding: name, as: UTF8.self) }  // for messages only
            guard let member = members.first(where: { canonicalBytes[$0.key].elementsEqual(name) }) else {
                throw LedgerCoreError(.missingField, "missing \(key)")
            }
            let value = canonicalBytes[member.value]
            guard value.count > 2, value.first == UInt8(ascii: "\"") else {
                throw LedgerCoreError(.invalidField, "\(key) must be a non-empty string")
            }
            let inner = value.dropFirst().dropLast()
            // Canonical strings escape only quotes, backslashes and controls; decode those rarely.
            if inner.contains(UInt8(ascii: "\\")) {
                return (try JSONParser.parse(value)).stringValue ?? ""
            }
            return String(decoding: inner, as: UTF8.self)
        }
        let keys = Self.requiredKeyBytes
        self.changeID = try required(keys.changeID)
        self.province = try required(keys.province)
        self.category = try required(keys.category)
        self.id = try required(keys.id)
        let op = try required(keys.op)
        guard let operation = Operation(rawValue: op) else {
            throw LedgerCoreError(.invalidField, "op must be \"upsert\" or \"revoke\", got \"\(op)\"")
        }
        self.operation = operation
        if let expected, province != expected {
            throw LedgerCoreError(.wrongProvince, "record is for province \(province), this ledger holds \(expected)")
        }
        // The content members, in canonical order (a subset of a sorted list stays sorted).
        var content: [UInt8] = [UInt8(ascii: "{")]
        content.reserveCapacity(canonicalBytes.count)
        for member in members where Self.contentKeyBytes.contains(where: { canonicalBytes[member.key].elementsEqual($0) }) {
            if content.count > 1 { content.append(UInt8(ascii: ",")) }
            // `"key":value`, as the canonical record has it.
            content.append(contentsOf: canonicalBytes[(member.key.lowerBound - 1)..<member.value.upperBound])
        }
        content.append(UInt8(ascii: "}"))
        self.canonicalBytes = canonicalBytes
        self.contentBytes = content
    }
}
