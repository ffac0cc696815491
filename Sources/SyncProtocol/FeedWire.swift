public import LedgerCore

/// The feed half of the sync protocol (Protocol/sync.md §7, DESIGN §7): after its upload, a
/// province asks `GET /v1/provinces/{code}/feed?from=N` for HQ's feed entries after its cursor N,
/// and `POST /v1/provinces/{code}/feed/cosignature` returns its cosignature of the feed
/// checkpoint it accepted.
public enum FeedAPI {
    public static func feedPath(_ province: String) -> String { "/v1/provinces/\(province)/feed" }
    public static func cosignaturePath(_ province: String) -> String { "/v1/provinces/\(province)/feed/cosignature" }
    /// Most entries one delivery carries. HQ signs a checkpoint per import chunk of at most
    /// this many entries and 8 MiB, and every delivery ends at one of those checkpoints.
    public static let maximumDeliveryEntries: UInt64 = 4096
    /// Largest delivery body a province reads. HQ sends several chunks together only while they
    /// stay under half of this, and one chunk (at most 8 MiB) always fits.
    public static let maximumDeliveryBytes = 64 << 20
    /// Category and id of the acknowledgement record a province appends per applied delivery.
    public static let acknowledgementCategory = "central_risk_ack"
}

/// The first line of a delivery body (NDJSON): HQ's feed checkpoint, the consistency proof from
/// the province's cursor to it, and the range of the entry lines that follow, one canonical
/// entry per line.
public struct FeedDeliveryHeader: Codable, Sendable, Equatable {
    public var version: Int
    public var origin: String
    /// The province's cursor the delivery starts from.
    public var from: UInt64
    /// The checkpoint's size: the lines that follow are entries [from, size).
    public var size: UInt64
    /// HQ's latest feed size: the province asks again while `size < latest`.
    public var latest: UInt64
    /// HQ's signed feed checkpoint (note text).
    public var checkpoint: String
    /// RFC 9162 consistency proof from `from` to `size`, base64 hashes (empty when from is 0).
    public var consistency: [String]
    /// HQ's view of the feed at the time it answered: its latest checkpoint with a fresh,
    /// timestamped cosignature by HQ's cosigner key, so "nothing new" is a signed, dated
    /// statement and withholding shows (Protocol/sync.md §7.1).
    public var view: FeedView?

    public init(version: Int = SyncAPI.version, origin: String, from: UInt64, size: UInt64, latest: UInt64, checkpoint: String, consistency: [Hash],
                view: FeedView? = nil) {
        self.version = version
        self.origin = origin
        self.from = from
        self.size = size
        self.latest = latest
        self.checkpoint = checkpoint
        self.consistency = consistency.map(\.base64)
        self.view = view
    }
}

/// HQ's latest feed checkpoint (signed by the feed key) and HQ's cosignature of it (C2SP
/// tlog-cosignature, with the time HQ made it), as each delivery carries them.
public struct FeedView: Codable, Sendable, Equatable {
    public var checkpoint: String
    /// One signature line by HQ's cosigner key (the key provinces trust as `hq_key`).
    public var cosignature: String

    public init(checkpoint: String, cosignature: String) {
        self.checkpoint = checkpoint
        self.cosignature = cosignature
    }
}

/// What a province returns after applying a delivery: its cosignature of the feed checkpoint.
public struct FeedCosignature: Codable, Sendable, Equatable {
    public var size: UInt64
    /// One signature line (`— <name> <base64>\n`) by the province's log key as a cosigner.
    public var cosignature: String

    public init(size: UInt64, cosignature: String) {
        self.size = size
        self.cosignature = cosignature
    }
}
