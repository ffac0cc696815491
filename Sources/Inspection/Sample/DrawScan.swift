public import LedgerCore

/// One pass over a province's log that finds the **draw point** and the population before it
/// (Protocol/inspection.md §1.1): the first entry that is the province's acknowledgement
/// (`central_risk_ack`) of the delivery that brought the notice (`fields.from` ≤ the notice's
/// index < `fields.size`) up to a checkpoint HQ signed (`feedCheckpoints`: size → root), carrying
/// the province's nonce. An acknowledgement of any other feed checkpoint, genuine or made up, is
/// not a draw point. The sample is drawn over entries [0, s), s that entry's index + 1, at the root of those
/// entries; entries after s are only counted. So the point is fixed by the log's content: HQ
/// cannot choose it, and it holds randomness HQ could not predict when it committed.
public struct DrawScan {
    public struct DrawPoint: Sendable, Equatable {
        /// s: the size of the log the sample is drawn from.
        public var size: UInt64
        /// The root of entries [0, s).
        public var root: Hash
        /// The HQ feed checkpoint the acknowledgement names.
        public var feedSize: UInt64
        public var feedRoot: String
        public var nonce: String
    }

    let feedOrigin: String
    let noticeIndex: UInt64
    /// HQ's signed checkpoints of the feed (size → base64 root) an acknowledgement may name.
    let feedCheckpoints: [UInt64: String]
    let hasher: TreeHasher
    public private(set) var population: RecordScan
    var frontier = MerkleFrontier()
    public private(set) var point: DrawPoint?
    public private(set) var size: UInt64 = 0

    public init(notice: InspectionNotice, noticeIndex: UInt64, feedCheckpoints: [UInt64: String], hasher: TreeHasher) {
        feedOrigin = "creditsync.samr/hq/feed/\(notice.province)"
        self.noticeIndex = noticeIndex
        self.feedCheckpoints = feedCheckpoints
        self.hasher = hasher
        population = RecordScan(notice: notice)
    }

    /// Adds the next entry (index `size`).
    public mutating func add(_ entry: some Collection<UInt8>) throws(InspectionError) {
        try add(entry, leafHash: point == nil ? hasher.leafHash(Array(entry)) : nil)
    }

    /// Adds the next entry whose leaf hash the caller computed already (the bundle verifier
    /// hashes every entry for the whole log's root): each entry is hashed once.
    public mutating func add(_ entry: some Collection<UInt8>, leafHash: Hash?) throws(InspectionError) {
        size += 1
        guard point == nil, let leafHash else { return }
        let value = try population.add(entry)
        frontier.append(leafHash, hasher: hasher)
        guard value["category"]?.stringValue == "central_risk_ack", value.value(at: "fields.feed")?.stringValue == feedOrigin,
              let from = Self.integer(value.value(at: "fields.from")), let feedSize = Self.integer(value.value(at: "fields.size")),
              from <= noticeIndex, noticeIndex < feedSize, let feedRoot = value.value(at: "fields.root")?.stringValue,
              feedCheckpoints[feedSize] == feedRoot,
              let nonce = value.value(at: "fields.inspection_nonce")?.stringValue, nonce.utf8.count == 64, [UInt8](hex: nonce) != nil else { return }
        point = DrawPoint(size: frontier.size, root: frontier.root(hasher: hasher), feedSize: feedSize, feedRoot: feedRoot, nonce: nonce)
    }

    /// A JSON number that is a non-negative integer below 2^53.
    static func integer(_ value: JSONValue?) -> UInt64? {
        guard case .number(let number)? = value, number >= 0, number < 9_007_199_254_740_992, number.rounded() == number else { return nil }
        return UInt64(number)
    }

    /// The draw point's text the seed covers: origin, size and root lines, each ending in 0x0A.
    public static func noteText(origin: String, point: DrawPoint) -> String {
        "\(origin)\n\(point.size)\n\(point.root.base64)\n"
    }
}
