public import Foundation
public import LedgerCore

/// One pass over a log's entries [0, n) in order: each record key's latest entry, for the keys a
/// notice can sample (its strata's categories and its claimed fixes). Keys compare as UTF-8
/// bytes (Swift's `String` equality would merge canonically equivalent ids, é and e + U+0301,
/// that are two records). The latest entries are found by an external sort (`KeyRuns`): memory
/// does not grow with the log (Protocol/inspection.md §1, §3). A scan is used once, by one task.
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

    let notice: InspectionNotice
    let categories: Set<String>
    let claims: Set<[UInt8]>
    private let runs: KeyRuns
    public private(set) var size: UInt64 = 0

    /// `runRows`: rows sorted in memory before a run is written (tests use small runs);
    /// `workDirectory`: where the runs go (default: the temporary directory).
    public init(notice: InspectionNotice, runRows: Int = 200_000, workDirectory: URL? = nil) {
        self.notice = notice
        runs = KeyRuns(runRows: runRows, directory: workDirectory)
        claims = Set(notice.activeClaims.map { Array($0.utf8) })
        categories = notice.sampledCategories
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
        let flags = (live ? KeyRuns.live : 0) | (Self.inScope(value, from: notice.scopeFrom) ? KeyRuns.inScope : 0)
        try runs.add(KeyRuns.Row(key: KeyRuns.key(category: category.utf8, id: id.utf8), index: index, flags: flags))
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

    /// Calls `body` with each member of the population and its stratum: a claimed fix in the
    /// `fixed` stratum (when the notice has one), else its category's stratum; in key order.
    public func forEachMember(_ body: (Member) throws -> Void) throws {
        try runs.forEachLatest { row in
            guard row.flags & KeyRuns.live != 0, row.flags & KeyRuns.inScope != 0 else { return }
            let (categoryBytes, idBytes) = KeyRuns.split(row.key)
            let category = String(decoding: categoryBytes, as: UTF8.self)
            let stratum: String
            if claims.contains(Array(categoryBytes) + [UInt8(ascii: "/")] + Array(idBytes)) {
                stratum = InspectionNotice.fixedStratum
            } else if category != InspectionNotice.fixedStratum, notice.count(of: category) > 0 {
                stratum = category
            } else {
                return
            }
            try body(Member(category: category, id: String(decoding: idBytes, as: UTF8.self), index: row.index, stratum: stratum))
        }
    }

    /// The population, in log order (small logs: tests and vectors).
    public func members() throws -> [Member] {
        var members: [Member] = []
        try forEachMember { members.append($0) }
        return members.sorted { $0.index < $1.index }
    }
}
