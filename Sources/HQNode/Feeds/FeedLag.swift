public import Foundation
public import HQStorage
import LedgerCore
public import Quality
import SyncProtocol

/// Push-down lag of one province's feed (DESIGN §7), measured from the province's own signed
/// acknowledgement in HQ's mirror: feed append at HQ → application at the province.
public struct FeedLag: Sendable, Codable, Equatable {
    public var feedSize: UInt64
    /// The feed size the province's latest acknowledgement names, and when it applied it.
    public var acknowledgedSize: UInt64
    public var acknowledgedAt: Date?
    /// Lag of the latest applied delivery: its oldest entry's append at HQ to its application.
    public var lastLagSeconds: Double?
    /// The same lag in working days of the official calendar (Beijing dates; the append day not
    /// counted), the unit the notices' deadlines use; nil outside the calendar's years.
    public var lastLagWorkingDays: Int?
    /// Entries appended but not (yet) acknowledged, and the age of the oldest.
    public var unacknowledged: UInt64
    public var oldestUnacknowledgedAgeSeconds: Double?
    /// The largest feed checkpoint the province cosigned (proof of delivery).
    public var cosignedSize: UInt64
    /// False when the acknowledgement names a root HQ's feed does not have at that size.
    public var acknowledgementMatches: Bool

    enum CodingKeys: String, CodingKey {
        case feedSize = "feed_size"
        case acknowledgedSize = "acknowledged_size"
        case acknowledgedAt = "acknowledged_at"
        case lastLagSeconds = "last_lag_seconds"
        case lastLagWorkingDays = "last_lag_working_days"
        case unacknowledged
        case oldestUnacknowledgedAgeSeconds = "oldest_unacknowledged_age_seconds"
        case cosignedSize = "cosigned_size"
        case acknowledgementMatches = "acknowledgement_matches"
    }

    /// The bundled official calendar, read once (every metrics scrape and `hq status` measures
    /// each province); nil if it is unusable, and lags are then given in seconds only.
    public static let officialCalendar: WorkingCalendar? = try? .bundled()

    /// `calendar`: the working-day calendar to count the lag in (the official one by default).
    public static func measure(feed: any FeedStore, mirror: any MirrorStore, now: Date, calendar: WorkingCalendar? = officialCalendar) async throws -> FeedLag {
        let feedSize = try await feed.latestCheckpoint().size
        var lag = FeedLag(feedSize: feedSize, acknowledgedSize: 0, unacknowledged: feedSize, cosignedSize: 0, acknowledgementMatches: true)
        lag.cosignedSize = try await feed.cosignatures().map(\.size).max() ?? 0
        if let entry = try await mirror.state(category: FeedAPI.acknowledgementCategory, id: feed.origin, size: nil),
           let acknowledgement = FeedAcknowledgement(entry: entry.data), acknowledgement.feed == feed.origin {
            let stored = try await feed.checkpoint(size: acknowledgement.size)
            lag.acknowledgementMatches = stored?.root == acknowledgement.root
            if lag.acknowledgementMatches {
                let applied = Date(timeIntervalSince1970: TimeInterval(acknowledgement.appliedAt))
                lag.acknowledgedSize = acknowledgement.size
                lag.acknowledgedAt = applied
                lag.unacknowledged = feedSize - acknowledgement.size
                if acknowledgement.size > acknowledgement.from, let appended = try await feed.appendedAt(index: acknowledgement.from) {
                    lag.lastLagSeconds = max(0, applied.timeIntervalSince(appended))
                    lag.lastLagWorkingDays = try? calendar?.workingDays(after: CivilDate(beijing: appended.timeIntervalSince1970),
                                                                        through: CivilDate(beijing: applied.timeIntervalSince1970))
                }
            }
        }
        if lag.unacknowledged > 0, let appended = try await feed.appendedAt(index: lag.acknowledgedSize) {
            lag.oldestUnacknowledgedAgeSeconds = max(0, now.timeIntervalSince(appended))
        }
        return lag
    }
}
