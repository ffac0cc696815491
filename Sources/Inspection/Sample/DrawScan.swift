public import LedgerCore

/// One pass over a province's log that finds the **draw point** and the population before it
/// (Protocol/inspection.md §1.1): the first entry that is the province's acknowledgement
/// (`central_risk_ack`) of a checkpoint of HQ's feed holding the notice, carrying the province's
/// nonce. The sample is drawn over entries [0, s), s that entry's index + 1, at the root of those
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
    let hasher: TreeHasher
    public private(set) var population: RecordScan
    var frontier = MerkleFrontier()
    public private(set) var point: DrawPoint?
    public private(set) var size: UInt64 = 0

    public init(notice: InspectionNotice, noticeIndex: UInt64, hasher: TreeHasher) {
        feedOrigin = "creditsync.samr/hq/feed/\(notice.province)"
        self.noticeIndex = noticeIndex
        self.hasher = hasher
        population = RecordScan(notice: notice)
    }

    /// Adds the next entry (index `size`).
    public mutating func add(_ entry: some Collection<UInt8>) throws(InspectionError) {
        size += 1
        guard point == nil else { return }
        let value = try population.add(entry)
        frontier.append(hasher.leafHash(Array(entry)), hasher: hasher)
        guard value["category"]?.stringValue == "central_risk_ack", value.value(at: "fields.feed")?.stringValue == feedOrigin,
              case .number(let feedSize)? = value.value(at: "fields.size"), feedSize > Double(noticeIndex), feedSize < 9.007e15,
              let feedRoot = value.value(at: "fields.root")?.stringValue,
              let nonce = value.value(at: "fields.inspection_nonce")?.stringValue, nonce.utf8.count == 64, [UInt8](hex: nonce) != nil else { return }
        point = DrawPoint(size: frontier.size, root: frontier.root(hasher: hasher), feedSize: UInt64(feedSize), feedRoot: feedRoot, nonce: nonce)
    }

    /// The draw point's text the seed covers: origin, size and root lines, each ending in 0x0A.
    public static func noteText(origin: String, point: DrawPoint) -> String {
        "\(origin)\n\(point.size)\n\(point.root.base64)\n"
    }
}
