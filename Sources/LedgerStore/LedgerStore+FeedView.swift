public import Foundation
import GRDB

/// HQ's view of a feed on a province ledger (issue 26, item 5): each delivery carries HQ's latest
/// feed checkpoint with a fresh, timestamped cosignature; the province keeps the latest, so
/// `province status` can tell a current view from one HQ has not renewed.
extension LedgerStore {
    /// HQ's latest view of a feed as a delivery carried it: its latest checkpoint, HQ's
    /// cosignature of it and the time in that cosignature.
    public struct FeedView: Sendable, Equatable {
        public var origin: String
        public var size: UInt64
        public var checkpoint: String
        public var cosignature: String
        public var cosignedAt: Date
        public var seenAt: Date

        public init(origin: String, size: UInt64, checkpoint: String, cosignature: String, cosignedAt: Date, seenAt: Date) {
            self.origin = origin
            self.size = size
            self.checkpoint = checkpoint
            self.cosignature = cosignature
            self.cosignedAt = cosignedAt
            self.seenAt = seenAt
        }
    }

    /// Keeps `view` as the feed's latest (a newer cosignature replaces an older one).
    public func recordFeedView(_ view: FeedView) async throws {
        let size = try SQLiteInteger.from(view.size)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO feed_view (origin, size, checkpoint, cosignature, cosigned_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (origin) DO UPDATE SET size = excluded.size, checkpoint = excluded.checkpoint, cosignature = excluded.cosignature,
                    cosigned_at = excluded.cosigned_at, seen_at = excluded.seen_at
                WHERE excluded.cosigned_at >= feed_view.cosigned_at
                """, arguments: [view.origin, size, view.checkpoint, view.cosignature, Int64(view.cosignedAt.timeIntervalSince1970), Int64(view.seenAt.timeIntervalSince1970)])
        }
    }

    public func feedView(origin: String) async throws -> FeedView? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feed_view WHERE origin = ?", arguments: [origin]).map { row in
                FeedView(origin: row["origin"], size: try SQLiteInteger.size(row["size"]), checkpoint: row["checkpoint"], cosignature: row["cosignature"],
                         cosignedAt: Date(timeIntervalSince1970: TimeInterval(row["cosigned_at"] as Int64)),
                         seenAt: Date(timeIntervalSince1970: TimeInterval(row["seen_at"] as Int64)))
            }
        }
    }
}
