import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import Quality

struct HQStatusCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per province: last sync, mirror size, last verified checkpoint, receipts, days since last sync, alarms."
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "Language: zh (default) or en.")
    var lang: String = "zh"

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func execute() async throws {
        let status = try await storage.with { data in try await HQStatus.gather(data, now: Date()) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            Output.line(String(decoding: try encoder.encode(status.provinces), as: UTF8.self))
            return
        }
        let zh = lang != "en"
        let names = (try? DomainTables.bundled().nodes) ?? [:]
        let formatter = ISO8601DateFormatter()
        Output.line(zh ? "省份            镜像大小   待上传    回执  最后同步                距今(天)  告警  最新已验证检查点根哈希"
                       : "province        mirror     pending   rcpts last sync               days      alarms last verified checkpoint root")
        for row in status.provinces {
            let name = zh ? (names[row.province] ?? "") : ""
            let pending = row.pendingSize > row.nextEntry ? row.pendingSize - row.nextEntry : 0
            let lastSync: String = row.lastSync.map(formatter.string) ?? (zh ? "从未" : "never")
            let days: String = row.daysSinceLastSync.map(String.init) ?? "-"
            let alarms: String = row.forks > 0 ? "\(row.alarms)!" : String(row.alarms)
            let columns: [String] = [
                pad("\(row.province) \(name)", 15), pad(String(row.mirrorSize), 10), pad(String(pending), 9), pad(String(row.receipts), 5),
                pad(lastSync, 23), pad(days, 9), pad(alarms, 5), row.checkpointRoot ?? "-",
            ]
            Output.line(columns.joined(separator: " "))
        }
        Output.line("")
        Output.line(zh ? "总局推送（下行）：省份   推送条目  已确认   未确认  最早未确认(时)  最近下行时延(秒/工作日)  已联署"
                       : "feeds (push-down): province  entries  acked    unacked oldest unacked (h) last lag (s / working days) cosigned")
        for row in status.provinces {
            let feed = row.feed
            let age = feed.oldestUnacknowledgedAgeSeconds.map { String(format: "%.1f", $0 / 3600) } ?? "-"
            let lag = (feed.lastLagSeconds.map { String(format: "%.0f", $0) } ?? "-") + " / " + (feed.lastLagWorkingDays.map(String.init) ?? "-")
            let warning = feed.acknowledgementMatches ? "" : (zh ? "  确认记录与推送不符！" : "  acknowledgement does not match the feed!")
            Output.line("  " + [pad(row.province, 17), pad(String(feed.feedSize), 9), pad(String(feed.acknowledgedSize), 8), pad(String(feed.unacknowledged), 7),
                                pad(age, 16), pad(lag, 24), String(feed.cosignedSize)].joined(separator: " ") + warning)
        }
        let held = status.heldRisk
        let heldAge = held.oldest.map { String(format: "%.1f", Date().timeIntervalSince($0) / 3600) } ?? "-"
        Output.line(zh ? "  暂存待分发的中央部门信息：\(held.count) 条，最早已等待 \(heldAge) 小时（`hq risk held` 列出原因）"
                       : "  held central risk items: \(held.count), oldest waiting \(heldAge) h (`hq risk held` gives the reasons)")
        if !status.revocations.isEmpty {
            Output.line("")
            Output.line(zh ? "已吊销：" : "revoked:")
            for revocation in status.revocations {
                let kind = zh ? (revocation.kind == .certificate ? "证书序列号" : "账本签名密钥") : revocation.kind.rawValue
                Output.line("  \(formatter.string(from: revocation.revokedAt)) \(revocation.province ?? "-") \(kind) \(revocation.value): \(revocation.reason)")
            }
        }
        if !status.alarms.isEmpty {
            Output.line("")
            Output.line(zh ? "告警：" : "alarms:")
            for alarm in status.alarms.prefix(20) {
                Output.line("  \(formatter.string(from: alarm.raisedAt)) \(alarm.province ?? "-") \(alarm.kind): \(alarm.message)")
            }
        }
    }

    func pad(_ text: String, _ width: Int) -> String {
        // CJK characters take two columns.
        let columns = text.reduce(0) { $0 + ($1.unicodeScalars.first.map { $0.value >= 0x2E80 ? 2 : 1 } ?? 1) }
        return text + String(repeating: " ", count: max(1, width - columns))
    }
}
