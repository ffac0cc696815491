import Foundation
import HQStorage
import Logging
import Synchronization

/// Records sync events in the registry, bounding what clients can make HQ store: refusals (a
/// client's bad requests) are recorded at most `refusalsPerMinute` times per province and
/// minute, the rest only counted in the metrics, so no client can grow HQ's database by
/// sending garbage. Events of work done (accepted checkpoints, stored entries) are always kept.
/// Recording never fails a request: a registry fault is logged.
final class EventRecorder: Sendable {
    let registry: any RegistryStore
    let refusalsPerMinute: Int
    let metrics: HQMetrics
    let logger: Logger
    /// Per province: the minute being counted and the refusals recorded in it.
    private let budget = Mutex<[String: (minute: Int64, count: Int)]>([:])

    init(registry: any RegistryStore, refusalsPerMinute: Int, metrics: HQMetrics, logger: Logger) {
        self.registry = registry
        self.refusalsPerMinute = refusalsPerMinute
        self.metrics = metrics
        self.logger = logger
    }

    func record(_ event: SyncEvent) async {
        do {
            try await registry.recordEvent(event)
        } catch {
            logger.error("cannot record a sync event", metadata: ["error": "\(error)", "province": "\(event.province)"])
        }
    }

    /// Records a refusal if the province's budget for this minute allows.
    func refusal(_ event: SyncEvent) async {
        let minute = Int64(event.at.timeIntervalSince1970 / 60)
        let allowed = budget.withLock { budget in
            var entry = budget[event.province] ?? (minute, 0)
            if entry.minute != minute { entry = (minute, 0) }
            entry.count += 1
            budget[event.province] = entry
            return entry.count <= refusalsPerMinute
        }
        guard allowed else {
            metrics.suppressedRefusal(province: event.province)
            return
        }
        await record(event)
    }
}
