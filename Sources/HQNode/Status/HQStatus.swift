public import Foundation
public import HQStorage
import LedgerCore

/// Per province: last sync, mirror size, last verified checkpoint, receipts, days since the last
/// sync, alarms, keys; every revocation; the held central risk items. What `creditsync hq status`
/// shows.
public struct HQStatus: Sendable {
    public struct Province: Sendable, Codable, Equatable {
        public var province: String
        public var origin: String
        public var suite: String
        public var mirrorSize: UInt64
        public var pendingSize: UInt64
        public var nextEntry: UInt64
        public var checkpointRoot: String?
        public var receipts: Int
        public var lastSync: Date?
        public var daysSinceLastSync: Int?
        public var alarms: Int
        public var forks: Int
        public var keys: [String]
        public var duplicateChanges: Int
        /// HQ's feed to the province and its push-down lag.
        public var feed: FeedLag

        enum CodingKeys: String, CodingKey {
            case province, origin, suite, receipts, alarms, forks, keys, feed
            case mirrorSize = "mirror_size"
            case pendingSize = "pending_size"
            case nextEntry = "next_entry"
            case checkpointRoot = "checkpoint_root"
            case lastSync = "last_sync"
            case daysSinceLastSync = "days_since_last_sync"
            case duplicateChanges = "duplicate_changes"
        }
    }

    public var storage: String
    public var provinces: [Province]
    public var alarms: [Alarm]
    public var revocations: [Revocation]
    /// Central risk items waiting to be routed: how many, since when.
    public var heldRisk: HeldRiskSummary

    public static func gather(_ data: HQData, now: Date) async throws -> HQStatus {
        var provinces: [Province] = []
        let registry = data.registry
        for enrolment in try await registry.enrolments() {
            let mirror = try await data.storage.mirror(province: enrolment.province)
            let status = try await mirror.status()
            let lastSync = try await registry.lastSync(province: enrolment.province)
            provinces.append(Province(
                province: enrolment.province, origin: enrolment.origin, suite: enrolment.suite.rawValue,
                mirrorSize: status.size, pendingSize: status.pendingSize, nextEntry: status.nextEntry,
                checkpointRoot: status.complete?.root.base64, receipts: status.receipts, lastSync: lastSync,
                daysSinceLastSync: lastSync.map { Int(now.timeIntervalSince($0) / 86_400) },
                alarms: try await registry.alarms(province: enrolment.province).count,
                forks: try await registry.forks(province: enrolment.province).count,
                keys: enrolment.keys.map { "\($0.verifierKey) from \($0.fromSize)" },
                duplicateChanges: try await mirror.duplicateChanges(limit: 1_000_000).count,
                feed: try await FeedLag.measure(feed: try await data.feed(of: enrolment), mirror: mirror, now: now)))
        }
        return HQStatus(storage: data.storage.location, provinces: provinces, alarms: try await registry.alarms(province: nil),
                        revocations: try await registry.revocations(), heldRisk: try await data.storage.heldRisk.summary())
    }
}
