import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import LedgerStore
import LineInput
import Mirroring
import ProvinceNode
import Quality
import Synthetic
import SyncProtocol

/// The push-down story: central departments' risk information reaches each province through
/// HQ's signed feed, verified, applied once and acknowledged in the province's own log.
struct FeedStory {
    let root: URL
    let narrator: Narrator

    func run(firstStep: Int) async throws {
        let data = try await HQData.open(.directory(root.appendingPathComponent("hq")))
        let guangdong = try await ProvinceLedger.open(directory: root.appendingPathComponent("440000"))
        let shanghai = try await ProvinceLedger.open(directory: root.appendingPathComponent("310000"))

        narrator.step(firstStep, zh: "总局汇集中央部门涉企信息（总对总）：行政许可、行政处罚、严重失信主体名单（如失信被执行人、重大税收违法失信主体）、抽查检查，按企业现登记省份分发",
                      en: "HQ gathers central departments' information (总对总): licences, penalties, serious-dishonesty lists (such as judgment defaulters, major tax violators) and inspections, routed to the province where each entity is registered now")
        var generator = CentralRiskGenerator(seed: 2026)
        let entities = [
            "440000": try await registeredEntities(guangdong, count: 6),
            "310000": try await registeredEntities(shanghai, count: 3),
        ]
        let watched = entities["440000"]?.first
        let inbox = root.appendingPathComponent("hq-inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // Day one: two thirds of each province's entities, and two records nobody can route.
        var lines: [[UInt8]] = []
        for code in ["440000", "310000"] {
            for entity in entities[code]!.prefix(entities[code]!.count * 2 / 3) { lines.append(generator.record(uscc: entity.uscc, name: entity.name)) }
        }
        lines.append(generator.record(uscc: generator.uscc(division: "100000"), name: "某中央登记机关登记的单位"))
        lines.append(generator.record(uscc: generator.uscc(division: "320500"), name: "苏州某公司"))
        // An entity of Guangdong (so its code says) that the central register shows moved out (迁出).
        let moved = generator.uscc(division: "440104")
        _ = try await data.storage.register.importChanges(province: try ProvinceCode("440000"), [
            try Self.registration("R-DEMO-MOVED-GD", moved, province: "440000", status: "存续", since: "2023-03-01"),
            try Self.registration("R-DEMO-MOVED-GD", moved, province: "440000", status: "迁出", since: "2026-11-20"),
        ], now: Date())
        lines.append(generator.record(uscc: moved, name: "广州迁沪贸易有限公司"))
        try await importRisk(lines, into: data, file: inbox.appendingPathComponent("central-risk-2026-12-01.ndjson"))

        let hq = try await DemoHQ.start(root: root, data: data)
        defer { hq.server.cancel() }
        narrator.step(firstStep + 1, zh: "两省日常同步：上传后下载总局推送，验证签名、一致性证明与每一条目，在同一事务内入库并写入确认记录，再会签推送检查点",
                      en: "Both provinces' daily sync: after the upload, download HQ's feed, verify its signature, consistency proof and every entry, apply it with an acknowledgement record in one transaction, and cosign the feed checkpoint")
        try await syncBoth([guangdong, shanghai], hq: hq)

        narrator.step(firstStep + 2, zh: "次日又到一批：只下发新增条目，附上与昨日检查点的一致性证明",
                      en: "The next day's batch: only the new entries go down, with a consistency proof from yesterday's checkpoint")
        // The move completes: the central register records the entity's registration in Shanghai,
        // and the held item follows it there (not back to the province in its code).
        _ = try await data.storage.register.importChanges(province: try ProvinceCode("310000"), [
            try Self.registration("R-DEMO-MOVED-SH", moved, province: "310000", status: "存续", since: "2026-11-20"),
        ], now: Date())
        // A Guangdong entity whose item went down yesterday moves to Shanghai today: the item
        // follows it, withdrawn from Guangdong's feed.
        let mover = entities["440000"]!.dropFirst().first
        if let mover {
            // Its registration in Guangdong, as the register has it (or a new one), now 迁出.
            let places = try await data.storage.register.registrations(usccs: [mover.uscc])[mover.uscc] ?? []
            let ids = places.filter { $0.province == "440000" && !$0.revoked }.map(\.id)
            _ = try await data.storage.register.importChanges(province: try ProvinceCode("440000"), try (ids.isEmpty ? ["R-DEMO-MOVER-GD"] : ids).map {
                try Self.registration($0, mover.uscc, province: "440000", status: "迁出", since: "2026-12-01", name: mover.name)
            }, now: Date())
            _ = try await data.storage.register.importChanges(province: try ProvinceCode("310000"), [
                try Self.registration("R-DEMO-MOVER-SH", mover.uscc, province: "310000", status: "存续", since: "2026-12-01", name: mover.name),
            ], now: Date())
        }
        let released = try await HeldRiskRelease(data: data, domain: try DomainTables.bundled()).run()
        narrator.say(zh: "总局登记库收到该企业在上海的登记（迁入）：暂存信息重新分发 \(released.released) 条，\(released.byProvince.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) 条" }.joined(separator: "，"))；仍暂存 \(released.stillHeld) 条",
                     en: "The central register records the entity's registration in Shanghai (moved in): \(released.released) held items routed again, \(released.byProvince.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")); \(released.stillHeld) still held")
        if let mover {
            narrator.say(zh: "\(mover.name) 由广东迁至上海：昨日已分发给广东的 \(released.moved) 条先在总局接收日志记录撤回与改派，再在广东推送中写入撤回条目、在上海推送中重新分发",
                         en: "\(mover.name) moved from Guangdong to Shanghai: the \(released.moved) item(s) delivered to Guangdong yesterday are logged as withdrawn and re-routed in HQ's intake log first, then withdrawn in Guangdong's feed and delivered again in Shanghai's")
        }
        lines = []
        for code in ["440000", "310000"] {
            for entity in entities[code]!.dropFirst(entities[code]!.count * 2 / 3) { lines.append(generator.record(uscc: entity.uscc, name: entity.name)) }
        }
        // SAMR's own cross-province flow: Guangdong's decision about the entity, now Shanghai's.
        lines.append(generator.crossProvince(uscc: moved, name: "广州迁沪贸易有限公司", origin: "440000", authority: "广州市市场监督管理局"))
        try await importRisk(lines, into: data, file: inbox.appendingPathComponent("central-risk-2026-12-02.ndjson"))
        try await syncBoth([guangdong, shanghai], hq: hq)
        let followed = try await shanghai.store.centralRisk(uscc: moved)
        let crossed = followed.filter { (try? JSONParser.parse($0.entry))?["category"]?.stringValue == "cross_province" }.count
        narrator.say(zh: followed.count < 2 || crossed != 1 ? "✗ 迁移企业的信息未全部到上海" : "✓ 迁移企业 \(moved) 的信息随登记到了上海：中央部门信息与广东的跨省流转信息共 \(followed.count) 条（上海推送第 \(followed.map { String($0.feedIndex) }.joined(separator: "、")) 条），广东未收到",
                     en: followed.count < 2 || crossed != 1 ? "✗ not all of the moved entity's information reached Shanghai" : "✓ the moved entity \(moved)'s information followed its registration to Shanghai: the central department's and Guangdong's cross-province record, \(followed.count) in all (Shanghai's feed entries \(followed.map { String($0.feedIndex) }.joined(separator: ", "))); Guangdong did not receive it")
        if !(try await guangdong.store.centralRisk(uscc: moved)).isEmpty {
            narrator.say(zh: "✗ 广东也收到了迁出企业的信息", en: "✗ Guangdong received the moved-out entity's information too")
        }
        if let mover {
            let old = try await guangdong.store.centralRisk(uscc: mover.uscc)
            let new = try await shanghai.store.centralRisk(uscc: mover.uscc)
            let followed = !old.isEmpty && old.allSatisfy { $0.withdrawal?.to == "310000" } && new.count == old.count && new.allSatisfy { $0.withdrawal == nil }
            narrator.say(zh: followed ? "✓ 广东已应用撤回（原条目保留并标记为已撤回，迁往 310000），上海收到同一条信息 \(new.count) 条" : "✗ 迁移企业已分发的信息未随迁移改派",
                         en: followed ? "✓ Guangdong applied the withdrawal (the item is kept, marked withdrawn, now in 310000); Shanghai received the same \(new.count) item(s)" : "✗ the moved entity's delivered information did not follow the move")
        }
        // The check anyone with the intake log and the feeds can run (`hq verify` runs it).
        let accounting = try await IntakeVerification(data: data).run()
        let counted = accounting.summary
        narrator.say(zh: accounting.findings.isEmpty
                         ? "✓ 接收日志核账（hq verify）：\(counted.items) 条中央信息，\(counted.routed) 条恰好在一个省的推送中且未被改动，\(counted.held) 条暂存，\(counted.moved) 条随迁移改派；无遗漏、无误投"
                         : "✗ 接收日志核账发现 \(accounting.findings.count) 个问题：\(accounting.findings.first.map(String.init(describing:)) ?? "")",
                     en: accounting.findings.isEmpty
                         ? "✓ Intake accounting (hq verify): \(counted.items) central items, \(counted.routed) in exactly one province's feed and unaltered, \(counted.held) held, \(counted.moved) moved with their entity; nothing dropped or misrouted"
                         : "✗ intake accounting found \(accounting.findings.count) problems: \(accounting.findings.first.map(String.init(describing:)) ?? "")")
        if let watched {
            narrator.say(zh: "creditsync province risk --uscc \(watched.uscc)（\(watched.name)）：", en: "creditsync province risk --uscc \(watched.uscc) (\(watched.name)):")
            for item in try await guangdong.store.centralRisk(uscc: watched.uscc) {
                let value = try JSONParser.parse(item.entry)
                narrator.show("\(value.value(at: "fields.kind")?.text ?? "") | \(value.value(at: "fields.source_dept")?.text ?? "") | \(value.value(at: "fields.case_no")?.text ?? "") ← \(item.origin) #\(item.feedIndex)")
            }
        }

        narrator.step(firstStep + 3, zh: "攻击演示：推送在传输中被篡改一条；重放旧的推送", en: "Attacks: one feed entry altered in transit; an older feed replayed")
        let feed = try await data.feed(province: "440000")
        let signer = try data.keys.feedSigner(province: "440000", suite: .sha256Ed25519)
        let verifier = FeedVerifier(province: "440000", suite: guangdong.suite,
                                    feedKey: try guangdong.suite.signatures.verifier(name: FeedOrigin.of(province: "440000"), publicKey: signer.publicKey))
        let latest = try await feed.latestCheckpoint()
        var entries = try await feed.entries(from: 0, to: latest.size)
        // The first central item (Guangdong's feed may start with an inspection notice).
        let altered = entries.firstIndex { String(decoding: $0, as: UTF8.self).contains("认定") } ?? 0
        entries[altered] = Array(String(decoding: entries[altered], as: UTF8.self).replacingOccurrences(of: "认定", with: "撤销").utf8)
        let header = FeedDeliveryHeader(origin: feed.origin, from: 0, size: latest.size, latest: latest.size, checkpoint: latest.note, consistency: [])
        let before = (try await guangdong.store.feedCursor(origin: feed.origin), try await guangdong.store.size())
        narrate(refusal: Result { () throws(FeedError) in try verifier.verify(header: header, entries: entries, cursor: nil) }, zh: "✓ 整批拒绝", en: "✓ refused whole")
        let cursor = before.0
        if let older = try await feed.nextCheckpoint(after: 0, maxEntries: 1), older.size < (cursor?.size ?? 0) {
            // Yesterday's feed checkpoint, replayed to a province that is already past it.
            let replay = FeedDeliveryHeader(origin: feed.origin, from: 0, size: older.size, latest: older.size, checkpoint: older.note, consistency: [])
            let replayed = try await feed.entries(from: 0, to: older.size)
            narrate(refusal: Result { () throws(FeedError) in try verifier.verify(header: replay, entries: replayed, cursor: cursor) }, zh: "✓ 拒绝", en: "✓ refused")
        }
        let after = (try await guangdong.store.feedCursor(origin: feed.origin), try await guangdong.store.size())
        let unchanged = after.0 == before.0 && after.1 == before.1
        narrator.say(zh: unchanged ? "✓ 广东本地状态未变" : "✗ 广东本地状态被改变", en: unchanged ? "✓ Guangdong's state is unchanged" : "✗ Guangdong's state changed")

        narrator.step(firstStep + 4, zh: "总局查看下行时延：从推送入日志到各省应用（以各省签名日志中的确认记录为准）",
                      en: "HQ reads the push-down lag: from the feed append to the province's application, as the province's signed acknowledgement says")
        for row in try await HQStatus.gather(data, now: Date()).provinces {
            let lag = row.feed.lastLagSeconds.map { String(format: "%.1f", $0) } ?? "-"
            let days = row.feed.lastLagWorkingDays.map(String.init) ?? "-"
            narrator.say(zh: "\(row.province)：推送 \(row.feed.feedSize) 条，已确认 \(row.feed.acknowledgedSize) 条，未确认 \(row.feed.unacknowledged) 条，最近下行时延 \(lag) 秒（\(days) 个工作日），省方会签至 \(row.feed.cosignedSize)",
                         en: "\(row.province): feed \(row.feed.feedSize), acknowledged \(row.feed.acknowledgedSize), unacknowledged \(row.feed.unacknowledged), last push-down lag \(lag) s (\(days) working days), cosigned up to \(row.feed.cosignedSize)")
        }
        try await hq.stop()
    }

    /// A registration change as the central register records it (status and effective date).
    static func registration(_ id: String, _ uscc: String, province: String, status: String, since: String, name: String = "广州迁沪贸易有限公司") throws -> ChangeRecord {
        let value = JSONValue.object([
            .init("v", .number(1)), .init("change_id", .string("demo-\(id)-\(status)")), .init("province", .string(province)),
            .init("category", .string("registration")), .init("id", .string(id)), .init("op", .string("upsert")),
            .init("entity", .object([.init("uscc", .string(uscc)), .init("name", .string(name))])),
            .init("fields", .object([.init("status", .string(status))])), .init("occurred_at", .string(since)),
        ])
        return try ChangeRecord(value: value, province: province)
    }

    func importRisk(_ lines: [[UInt8]], into data: HQData, file: URL) async throws {
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: file)
        var rejections: [RiskImporter.Rejection] = []
        let summary = try await RiskImporter(data: data, domain: try DomainTables.bundled(), rules: try QualityRules.bundled())
            .run([.init(name: file.lastPathComponent, path: file.path)]) { rejections.append($0) }
        narrator.say(zh: "\(file.lastPathComponent)：\(lines.count) 条，按登记记录分发 \(summary.byRegistration) 条、按信用代码第 3–4 位分发 \(summary.byCode) 条，写入各省推送日志并签名",
                     en: "\(file.lastPathComponent): \(lines.count) records, \(summary.byRegistration) routed by the entity's registration, \(summary.byCode) by positions 3–4 of its code; appended to each province's feed and signed")
        for (province, count) in summary.byProvince.sorted(by: { $0.key < $1.key }) {
            narrator.say(zh: "  \(province)：\(count) 条", en: "  \(province): \(count)")
        }
        for rejection in rejections {
            narrator.say(zh: "✓ 不是可用的中央部门信息，已报告：\(rejection)", en: "✓ not a usable central risk record, reported: \(rejection)")
        }
        if summary.held > 0 {
            let imported = Set(lines.compactMap { try? JSONParser.parse($0)["change_id"]?.stringValue })
            for item in try await data.storage.heldRisk.held(after: nil, limit: 1000) where imported.contains(item.changeID) {
                narrator.say(zh: "✓ 暂无法分发，已暂存（不丢弃，登记导入或省份接入后自动重新分发）：\(item.uscc) [\(item.code)] \(item.reason)",
                             en: "✓ cannot be routed yet, held (never dropped; routed again at every register import and enrolment): \(item.uscc) [\(item.code)] \(item.reason)")
            }
        }
    }

    func syncBoth(_ ledgers: [ProvinceLedger], hq: DemoHQ) async throws {
        for ledger in ledgers {
            let client = try hq.client(ledger.province, suite: ledger.suite.id, feed: true)
            guard let feed = try await DailySync(client: client).run(ledger.store, signer: ledger.signer).feed else {
                throw DemoError(.unexpected, "the demo's sync of \(ledger.province) has no feed key")
            }
            narrator.say(zh: "\(ledger.province)（\(ledger.suite.id.rawValue)）：应用 \(feed.applied) 条（\(feed.deliveries) 批），推送游标 \(feed.cursor)；确认记录已随本省签名日志上传",
                         en: "\(ledger.province) (\(ledger.suite.id.rawValue)): applied \(feed.applied) in \(feed.deliveries) deliveries, feed cursor \(feed.cursor); the acknowledgement went up in the province's own signed log")
        }
    }

    func narrate(refusal result: Result<VerifiedFeedDelivery, FeedError>, zh: String, en: String) {
        switch result {
        case .success: narrator.say(zh: "✗ 未被发现", en: "✗ it went unnoticed")
        case .failure(let error): narrator.say(zh: "\(zh)：\(error.message)", en: "\(en): \(error.message)")
        }
    }

    /// Entities the province has registered (their code and registered name), from its log.
    /// Entities registered and live in `ledger`'s province, by their registration records.
    func registeredEntities(_ ledger: ProvinceLedger, count: Int) async throws -> [(uscc: String, name: String)] {
        var found: [(uscc: String, name: String)] = []
        for entry in try await ledger.store.entries(from: 0, to: min(2_000, try await ledger.store.size())) where found.count < count {
            // Entities that live in the province: a moved-out or deregistered one's information
            // does not go there (RiskRouter), which the story shows with an entity of its own.
            guard let value = try? JSONParser.parse(entry), value["category"]?.stringValue == "registration",
                  ["存续", "在业"].contains(value.value(at: "fields.status")?.stringValue ?? ""),
                  let uscc = value.value(at: "entity.uscc")?.stringValue, let name = value.value(at: "entity.name")?.stringValue,
                  !found.contains(where: { $0.uscc == uscc }) else { continue }
            found.append((uscc, name))
        }
        return found
    }
}
