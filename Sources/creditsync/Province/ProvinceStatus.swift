import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import Mirroring
import ProvinceNode

struct ProvinceStatus: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The ledger at a glance: size, latest checkpoint, HQ's feed as this province accepted it, and refused feed checkpoints kept as evidence."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "Language: zh (default) or en.")
    var lang: String = "zh"

    @Option(help: "Age in seconds beyond which HQ's view of the feed is reported stale (as feed_view_max_age_seconds in the sync config).")
    var feedViewMaxAgeSeconds: Int = SyncConfiguration.defaultFeedViewMaxAge

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        let zh = lang != "en"
        let formatter = ISO8601DateFormatter()
        let origin = FeedOrigin.of(province: store.metadata.province)
        Output.line(zh ? "账本：\(store.metadata.origin)（\(store.metadata.province)），\(try await store.size()) 条"
                       : "ledger: \(store.metadata.origin) (\(store.metadata.province)), \(try await store.size()) entries")
        if let latest = try await store.latestCheckpoint() {
            Output.line(zh ? "最新检查点：大小 \(latest.size)，根 \(latest.root.base64)" : "latest checkpoint: size \(latest.size), root \(latest.root.base64)")
        }
        if let cursor = try await store.feedCursor(origin: origin) {
            Output.line(zh ? "总局推送：已接受至 \(cursor.size)，\(formatter.string(from: cursor.appliedAt)) 应用"
                           : "HQ's feed: accepted up to \(cursor.size), applied \(formatter.string(from: cursor.appliedAt))")
        } else {
            Output.line(zh ? "总局推送：尚未接收" : "HQ's feed: nothing received yet")
        }
        if let view = try await store.feedView(origin: origin) {
            let hours = Date().timeIntervalSince(view.cosignedAt) / 3600
            let stale = hours * 3600 > Double(feedViewMaxAgeSeconds)
            let age = String(format: "%.1f", hours)
            Output.line(zh ? "总局对推送的最新签署视图：大小 \(view.size)，总局会签于 \(formatter.string(from: view.cosignedAt))（\(age) 小时前）" + (stale ? "  ⚠ 已过期：总局可能扣留推送，请联系总局" : "")
                           : "HQ's latest signed view of the feed: size \(view.size), cosigned by HQ at \(formatter.string(from: view.cosignedAt)) (\(age) h ago)" + (stale ? "  STALE: HQ may be withholding the feed; contact HQ" : ""))
        }
        let evidence = try await store.feedEvidence()
        Output.line(zh ? "被拒绝的推送检查点（留存为证据，`province evidence` 导出）：\(evidence.count) 个"
                       : "refused feed checkpoints kept as evidence (`province evidence` exports them): \(evidence.count)")
        for item in evidence {
            Output.line("  \(formatter.string(from: item.detectedAt)) \(item.code) size \(item.size) (from \(item.from)): \(item.reason)")
        }
    }
}

struct ProvinceEvidence: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Export the refused feed checkpoints this ledger kept, one JSON object per line: HQ's signed checkpoint, its consistency proof, and the checkpoint this province had accepted.",
        discussion: "Anyone can check the contradiction with HQ's feed key: both checkpoints verify, and the proof does not connect them."
    )

    @OptionGroup var options: LedgerOptions

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        for item in try await store.feedEvidence() {
            Output.line(String(decoding: try encoder.encode(item), as: UTF8.self))
        }
    }
}
