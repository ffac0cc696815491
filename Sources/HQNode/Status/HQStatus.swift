import Foundation
import LedgerCore
import LedgerStore

/// Per province: last sync, mirror size, last verified checkpoint, receipts, days since the last
/// sync, alarms. What `creditsync hq status` shows.
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

        enum CodingKeys: String, CodingKey {
            case province, origin, suite, receipts, alarms, forks
            case mirrorSize = "mirror_size"
            case pendingSize = "pending_size"
            case nextEntry = "next_entry"
            case checkpointRoot = "checkpoint_root"
            case lastSync = "last_sync"
            case daysSinceLastSync = "days_since_last_sync"
        }
    }

    public var provinces: [Province]
    public var alarms: [HQRegistry.Alarm]

    public static func gather(_ data: HQDataDirectory, now: Date) throws -> HQStatus {
        var provinces: [Province] = []
        for enrolment in try data.registry.enrolments() {
            let mirror = try data.openMirror(province: enrolment.province)
            let status = try mirror.mirrorStatus()
            let lastSync = try data.registry.lastSync(province: enrolment.province)
            provinces.append(Province(
                province: enrolment.province, origin: enrolment.origin, suite: enrolment.suite.rawValue,
                mirrorSize: status.size, pendingSize: status.pendingSize, nextEntry: status.nextEntry,
                checkpointRoot: status.complete?.root.base64, receipts: status.receipts, lastSync: lastSync,
                daysSinceLastSync: lastSync.map { Int(now.timeIntervalSince($0) / 86_400) },
                alarms: try data.registry.alarms(province: enrolment.province).count,
                forks: try data.registry.forks(province: enrolment.province).count))
            try mirror.close()
        }
        return HQStatus(provinces: provinces, alarms: try data.registry.alarms())
    }
}
