import CoreMetrics
import Foundation
import HQStorage
import Metrics
public import Prometheus

/// HQ's metrics, through swift-metrics into its own Prometheus registry (no global bootstrap, so
/// several servers can share a process in tests). Served at `/metrics` on the operator listener.
/// Labels are bounded: provinces only as certified by HQ's CA (or `unidentified`), endpoints
/// and statuses from fixed sets; nothing a client sends becomes a label.
public struct HQMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
    }

    func count(_ name: String, _ amount: Int = 1, _ dimensions: [(String, String)]) {
        Counter(label: name, dimensions: dimensions, factory: factory).increment(by: amount)
    }

    func gauge(_ name: String, _ value: Double, _ dimensions: [(String, String)]) {
        Gauge(label: name, dimensions: dimensions, factory: factory).record(value)
    }

    func request(province: String, endpoint: String, status: Int) {
        count("creditsync_hq_requests_total", 1, [("province", province), ("endpoint", endpoint), ("status", String(status))])
    }

    func received(province: String, entries: Int, bytes: Int) {
        count("creditsync_hq_entries_received_total", entries, [("province", province)])
        count("creditsync_hq_bytes_received_total", bytes, [("province", province)])
    }

    /// A refusal not recorded as an event (over the per-minute budget).
    func suppressedRefusal(province: String) {
        count("creditsync_hq_refusals_unrecorded_total", 1, [("province", province)])
    }

    func verifyFailure(province: String, kind: String) {
        count("creditsync_hq_verify_failures_total", 1, [("province", province), ("kind", kind)])
    }

    /// An upload that found the process's upload budget spent and waited (`CommitBudget`).
    func uploadBudgetWait(province: String) {
        count("creditsync_hq_upload_budget_waits_total", 1, [("province", province)])
    }

    func fork(province: String) {
        count("creditsync_hq_forks_total", 1, [("province", province)])
    }

    func syncCompleted(province: String, size: UInt64, at time: Date) {
        count("creditsync_hq_syncs_total", 1, [("province", province)])
        gauge("creditsync_hq_mirror_size", Double(size), [("province", province)])
        gauge("creditsync_hq_last_sync_timestamp_seconds", time.timeIntervalSince1970, [("province", province)])
    }

    /// Seconds since each province's last completed sync, refreshed when scraped.
    func lag(province: String, seconds: Double) {
        gauge("creditsync_hq_sync_lag_seconds", seconds, [("province", province)])
    }

    /// Push-down lag of a province's feed, refreshed when scraped.
    /// Held central risk items: how many, and the oldest one's age (0 when none).
    func heldRisk(_ summary: HeldRiskSummary, now: Date) {
        gauge("creditsync_hq_risk_held_items", Double(summary.count), [])
        gauge("creditsync_hq_risk_held_oldest_age_seconds", summary.oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0, [])
    }

    func feed(province: String, lag: FeedLag) {
        gauge("creditsync_hq_feed_size", Double(lag.feedSize), [("province", province)])
        gauge("creditsync_hq_feed_unacknowledged_entries", Double(lag.unacknowledged), [("province", province)])
        gauge("creditsync_hq_feed_unacknowledged_age_seconds", lag.oldestUnacknowledgedAgeSeconds ?? 0, [("province", province)])
        if let seconds = lag.lastLagSeconds { gauge("creditsync_hq_feed_pushdown_lag_seconds", seconds, [("province", province)]) }
    }

    func pending(province: String, entries: UInt64) {
        gauge("creditsync_hq_mirror_pending_entries", Double(entries), [("province", province)])
    }

    /// The Prometheus text exposition.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
