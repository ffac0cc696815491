import LedgerCore

/// One business record's current state on one side of a comparison: its latest change record
/// (parsed once; the auditor's checks read the same value) and where it stands in its log.
public struct StateRow: Sendable {
    public let category: String
    public let id: String
    public let index: UInt64
    public let revoked: Bool
    /// The whole change record.
    public let value: JSONValue

    /// Fails (nil) unless `value` is an object with string `category` and `id` and `op`
    /// `upsert` or `revoke`, which every stored entry has: the ledgers refuse anything else.
    public init?(value: JSONValue, index: UInt64) {
        guard let category = value["category"]?.stringValue, let id = value["id"]?.stringValue,
              let op = value["op"]?.stringValue.flatMap(ChangeRecord.Operation.init(rawValue:)) else { return nil }
        self.category = category
        self.id = id
        self.index = index
        self.revoked = op == .revoke
        self.value = value
    }

    /// The members that make a record's content (DESIGN §3), the same set as its content hash:
    /// two sides agree when these are equal, whatever their change ids and clocks.
    public static let contentKeys = ["category", "id", "op", "entity", "fields", "occurred_at", "source"]

    public func sameContent(as other: StateRow) -> Bool {
        Self.contentKeys.allSatisfy { key in
            switch (value[key], other.value[key]) {
            case (nil, nil): true
            case let (a?, b?): Self.identical(a, b)
            default: false
            }
        }
    }

    /// Equality as the canonical bytes see it: strings by their UTF-8 bytes, not by Swift's
    /// Unicode canonical equivalence (an NFC and an NFD name hash differently, so they differ).
    public static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x.hasSameBytes(as: y)
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key.hasSameBytes(as: $1.key) && identical($0.value, $1.value) }
        default: return false
        }
    }

    /// Key order of both streams: category, then id, each by UTF-8 bytes (SQLite's BINARY
    /// collation, PostgreSQL's "C").
    public static func keyOrder(_ a: StateRow, _ b: StateRow) -> Int {
        let byCategory = compare(a.category.utf8, b.category.utf8)
        return byCategory != 0 ? byCategory : compare(a.id.utf8, b.id.utf8)
    }

    static func compare(_ a: String.UTF8View, _ b: String.UTF8View) -> Int {
        var left = a.makeIterator()
        var right = b.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?) where x != y: return x < y ? -1 : 1
            default: continue
            }
        }
    }
}
