import Foundation
public import LedgerCore

/// One business record's current state on one side of a comparison: its latest change record's
/// canonical bytes and where it stands in its log. The merge needs only the key, the op and the
/// content, which are slices of the bytes (`CanonicalMembers`); the tree is parsed only when
/// asked for (`value`), so a side nobody checks record by record (the central register) is
/// never parsed.
public struct StateRow: Sendable {
    public let category: String
    public let id: String
    public let index: UInt64
    public let revoked: Bool
    /// The change record's canonical bytes (RFC 8785), as stored.
    public let bytes: [UInt8]
    /// The record's top-level members, as the scan of `bytes` found them.
    public let members: [CanonicalMembers.Member]

    /// From stored canonical bytes. Fails (nil) unless they are an object with string
    /// `category`, `id` and `op` `upsert` or `revoke`, which every stored entry has.
    public init?(canonical bytes: [UInt8], index: UInt64) {
        guard let members = CanonicalMembers.scan(bytes) else { return nil }
        var (category, id, op): (String?, String?, String?) = (nil, nil, nil)
        for member in members {
            let key = bytes[member.key]
            if key.elementsEqual(Self.categoryKey) { category = Self.string(bytes, member.value) }
            else if key.elementsEqual(Self.idKey) { id = Self.string(bytes, member.value) }
            else if key.elementsEqual(Self.opKey) { op = Self.string(bytes, member.value) }
        }
        guard let category, let id, let operation = op.flatMap(ChangeRecord.Operation.init(rawValue:)) else { return nil }
        self.category = category
        self.id = id
        self.index = index
        self.revoked = operation == .revoke
        self.bytes = bytes
        self.members = members
    }

    /// From a parsed value (tests, and callers that hold one): its canonical bytes.
    public init?(value: JSONValue, index: UInt64) {
        self.init(canonical: CanonicalJSON.encode(value), index: index)
    }

    /// The whole change record, parsed from `bytes` on each call.
    public var value: JSONValue { (try? JSONParser.parse(bytes)) ?? .null }

    static let categoryKey = Array("category".utf8)
    static let idKey = Array("id".utf8)
    static let opKey = Array("op".utf8)

    static func string(_ bytes: [UInt8], _ value: Range<Int>) -> String? {
        if let plain = CanonicalMembers.plainString(bytes, value) { return plain }
        return (try? JSONParser.parse(bytes[value]))?.stringValue
    }

    /// The members that make a record's content (DESIGN §3), the same set as its content hash:
    /// two sides agree when these are equal, whatever their change ids and clocks.
    public static let contentKeys = contentKeyText.map(\.description)

    /// The content members (`contentKeys`) of both, compared slice by slice where they lie:
    /// equal exactly when the contents are identical, since canonical JSON has one encoding per
    /// value and sorts the members. Copying each side's content out first was 2.6% of an
    /// audit's CPU.
    public func sameContent(as other: StateRow) -> Bool {
        bytes.withUnsafeBufferPointer { mine in
            other.bytes.withUnsafeBufferPointer { theirs in
                var (left, right) = (0, 0)
                while true {
                    while left < members.count, !Self.isContentKey(mine, members[left].key) { left += 1 }
                    while right < other.members.count, !Self.isContentKey(theirs, other.members[right].key) { right += 1 }
                    guard left < members.count, right < other.members.count else { return left == members.count && right == other.members.count }
                    // The member from its key's opening quote to the end of its value.
                    let (a, b) = (members[left], other.members[right])
                    let (x, y) = ((a.key.lowerBound - 1)..<a.value.upperBound, (b.key.lowerBound - 1)..<b.value.upperBound)
                    guard x.count == y.count, memcmp(mine.baseAddress! + x.lowerBound, theirs.baseAddress! + y.lowerBound, x.count) == 0 else { return false }
                    left += 1
                    right += 1
                }
            }
        }
    }

    /// Whether the key at `range` is one of `contentKeys`, by its length and bytes.
    static func isContentKey(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for key in contentKeyText where key.utf8CodeUnitCount == range.count {
            if memcmp(key.utf8Start, bytes.baseAddress! + range.lowerBound, range.count) == 0 { return true }
        }
        return false
    }

    /// `contentKeys` as static text, compared by memcmp without an array per key.
    static let contentKeyText: [StaticString] = ["category", "id", "op", "entity", "fields", "occurred_at", "source"]

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
        // Native strings (all of these: decoded from stored bytes) by memcmp, not by walking
        // two UTF-8 views element by element, once per key of the audit's merge.
        if let order = a.withContiguousStorageIfAvailable({ x in
            b.withContiguousStorageIfAvailable { y -> Int in
                let common = min(x.count, y.count)
                let byBytes = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                if byBytes != 0 { return byBytes < 0 ? -1 : 1 }
                return x.count == y.count ? 0 : x.count < y.count ? -1 : 1
            }
        }), let order { return order }
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
