public import LedgerCore

/// One pass over a log's entries [0, n) in order: each record key's latest entry, for the keys a
/// notice can sample (its strata's categories and its claimed fixes). Memory is one small item
/// per such key, never the entries (Protocol/inspection.md §1).
public struct RecordScan: Sendable {
    /// A record of the population: the latest entry of its key is an upsert in scope.
    public struct Member: Sendable, Equatable {
        public var category: String
        public var id: String
        public var index: UInt64
        public var stratum: String

        public init(category: String, id: String, index: UInt64, stratum: String) {
            self.category = category
            self.id = id
            self.index = index
            self.stratum = stratum
        }
    }

    /// Keys compare as UTF-8 bytes, as the spec says: Swift's `String` equality would merge
    /// canonically equivalent ids (é and e + U+0301) that are two records.
    struct Key: Hashable {
        var category: [UInt8]
        var id: [UInt8]
    }

    struct Latest {
        var index: UInt64
        var live: Bool
        var inScope: Bool
    }

    let notice: InspectionNotice
    let categories: Set<String>
    let claims: Set<[UInt8]>
    private var latest: [Key: Latest] = [:]
    public private(set) var size: UInt64 = 0

    public init(notice: InspectionNotice) {
        self.notice = notice
        let fixed = notice.count(of: InspectionNotice.fixedStratum) > 0
        claims = fixed ? Set(notice.fixedClaims.map { Array($0.utf8) }) : []
        categories = Set(notice.strata.map(\.name)).union(fixed ? notice.fixedClaims.compactMap { $0.split(separator: "/", maxSplits: 1).first.map(String.init) } : [])
    }

    /// Adds the next entry (index `size`); returns it parsed.
    @discardableResult
    public mutating func add(_ entry: some Collection<UInt8>) throws(InspectionError) -> JSONValue {
        let index = size
        guard let value = try? JSONParser.parse(entry), let category = value["category"]?.stringValue, let id = value["id"]?.stringValue else {
            throw InspectionError(.corrupt, "entry \(index) is not a change record",
                                  hint: "verify the log (`creditsync province verify` or `creditsync hq verify`) and restore it from backup")
        }
        size += 1
        guard categories.contains(category) else { return value }
        let live = value["op"]?.stringValue == ChangeRecord.Operation.upsert.rawValue
        latest[Key(category: Array(category.utf8), id: Array(id.utf8))] = Latest(index: index, live: live, inScope: Self.inScope(value, from: notice.scopeFrom))
        return value
    }

    /// In scope: the decision date (`fields.decision_date` if a string, else `occurred_at`) is
    /// on or after `from`; a record without a valid date is in scope (its defect is inspectable).
    static func inScope(_ value: JSONValue, from: String) -> Bool {
        guard let date = value["fields"]?["decision_date"]?.stringValue ?? value["occurred_at"]?.stringValue, InspectionNotice.isDate(date) else {
            return true
        }
        return !Array(date.utf8).lexicographicallyPrecedes(Array(from.utf8))
    }

    /// Whether the log (before the draw point) holds `category/id` as a current record; nil when
    /// `category` is not one the scan reads.
    public func holds(category: String, id: String) -> Bool? {
        guard categories.contains(category) else { return nil }
        return latest[Key(category: Array(category.utf8), id: Array(id.utf8))]?.live == true
    }

    /// The population with each member's stratum: a claimed fix in the `fixed` stratum (when the
    /// notice has one), else its category's stratum, in log order.
    public func members() -> [Member] {
        latest.compactMap { key, latest in
            guard latest.live, latest.inScope else { return nil }
            let category = String(decoding: key.category, as: UTF8.self)
            let stratum: String
            if claims.contains(key.category + [UInt8(ascii: "/")] + key.id) {
                stratum = InspectionNotice.fixedStratum
            } else if category != InspectionNotice.fixedStratum, notice.count(of: category) > 0 {
                stratum = category
            } else {
                return nil
            }
            return Member(category: category, id: String(decoding: key.id, as: UTF8.self), index: latest.index, stratum: stratum)
        }.sorted { $0.index < $1.index }
    }
}
