public import Foundation
public import LedgerCore

/// Where a province stands in an HQ feed: the last feed checkpoint it accepted.
public struct FeedCursor: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: Hash
    /// The right edge of the feed's tree at `size`: the next delivery's entries are checked
    /// against its signed root from here.
    public var frontier: MerkleFrontier
    /// The accepted checkpoint as HQ signed it.
    public var note: String
    public var appliedAt: Date

    public init(origin: String, size: UInt64, root: Hash, frontier: MerkleFrontier, note: String, appliedAt: Date) {
        self.origin = origin
        self.size = size
        self.root = root
        self.frontier = frontier
        self.note = note
        self.appliedAt = appliedAt
    }
}

/// One delivery of HQ's feed as received, not yet verified: the header's claims and the entry
/// lines. The wire format (`Protocol/sync.md` §7) is parsed into this by the sync client.
public struct UnverifiedFeedDelivery: Sendable {
    public var origin: String
    /// The province's cursor the delivery says it starts from.
    public var from: UInt64
    /// The size the checkpoint claims; the entries are [from, size).
    public var size: UInt64
    /// HQ's signed feed checkpoint (note text).
    public var checkpoint: String
    /// RFC 9162 consistency proof from `from` to `size`, base64 hashes.
    public var consistency: [String]
    public var entries: [[UInt8]]

    public init(origin: String, from: UInt64, size: UInt64, checkpoint: String, consistency: [String], entries: [[UInt8]]) {
        self.origin = origin
        self.from = from
        self.size = size
        self.checkpoint = checkpoint
        self.consistency = consistency
        self.entries = entries
    }
}

/// A feed delivery `FeedVerifier` verified against the cursor it starts from; only the verifier
/// makes these, and the province ledger applies nothing else.
public struct VerifiedFeedDelivery: Sendable {
    public let origin: String
    /// The cursor size the delivery was verified from: applied only if it is still the cursor.
    public let fromSize: UInt64
    public let checkpoint: VerifiedCheckpoint
    /// The feed tree's right edge at the checkpoint.
    public let frontier: MerkleFrontier
    /// Entries [fromSize, checkpoint.size), parsed.
    public let records: [ChangeRecord]
    /// The entity code of each record, in order.
    public let usccs: [String]

    init(origin: String, fromSize: UInt64, checkpoint: VerifiedCheckpoint, frontier: MerkleFrontier, records: [ChangeRecord], usccs: [String]) {
        self.origin = origin
        self.fromSize = fromSize
        self.checkpoint = checkpoint
        self.frontier = frontier
        self.records = records
        self.usccs = usccs
    }
}
