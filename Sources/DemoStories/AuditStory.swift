import Foundation
import Gzip
import HQAudit
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import LineInput
import Quality
import Reports
import Synthetic

/// The audit story: HQ loads the central register, compares it with each province's mirror and
/// scores both provinces on the seven dimensions, with a problem list and reports to open.
struct AuditStory {
    let root: URL
    let reports: URL
    let narrator: Narrator
    /// The month the demo's data ends in: its audit judges timeliness on November's records.
    static let month = "2026-11"

    func run(firstStep: Int) async throws {
        narrator.step(firstStep, zh: "总局导入中央登记数据（NDJSON 与 gzip）：与地方数据有少量差异",
                      en: "HQ imports the central register (NDJSON and gzip), which differs from the provinces in a few places")
        let storage = try await HQStorageDrivers.open(.directory(root.appendingPathComponent("hq")))
        do {
            try await story(storage, firstStep: firstStep)
            try await storage.close()
        } catch {
            try? await storage.close()
            throw error
        }
    }

    func story(_ storage: any HQStorage, firstStep: Int) async throws {
        let files = try writeCentralRegister()
        let summary = try await RegisterImporter(register: storage.register, provinces: Set(try DomainTables.bundled().nodes.keys))
            .run(files.map { .init(name: $0.lastPathComponent, path: $0.path) }) { rejection in
                narrator.say(zh: "拒收 \(rejection)", en: "rejected \(rejection)")
            }
        narrator.say(zh: "读入 \(summary.read) 条，新增 \(summary.imported) 条，拒收 \(summary.rejected) 行（逐行报告 文件:行号: 原因）",
                     en: "read \(summary.read), imported \(summary.imported), rejected \(summary.rejected) lines (each reported as FILE:LINE: reason)")

        narrator.step(firstStep + 1, zh: "按月审计 \(Self.month)：总局与地方差异、七个维度评分、问题清单与 HTML 报告",
                      en: "Monthly audit of \(Self.month): central vs local gaps, the seven dimensions, problem lists and HTML reports")
        let plan = AuditPlan(province: "", period: try AuditPeriod(Self.month), rules: try QualityRules.bundled(), calendar: try WorkingCalendar.bundled(),
                             language: narrator.language == .zh ? .chinese : .english)
        let ranking = try await NationalAudit(storage: storage).run(plan, output: reports) { outcome in
            let document = outcome.document
            narrator.say(zh: "\(document.provinceName ?? document.province)（镜像检查点 \(document.mirror.size)）综合得分 \(Self.score(document.overall.score))，问题记录 \(document.overall.failing)/\(document.overall.checked)",
                         en: "\(document.province) (mirror checkpoint \(document.mirror.size)): overall \(Self.score(document.overall.score)), \(document.overall.failing) of \(document.overall.checked) records failing")
            let dimensions = QualityDimension.allCases.map { dimension in
                let score = Self.score(document.scores[dimension.rawValue]?.score)
                return narrator.language == .zh ? "\(dimension.chineseName) \(score)" : "\(dimension.rawValue) \(score)"
            }
            narrator.say(zh: "  " + dimensions.joined(separator: " · "), en: "  " + dimensions.joined(separator: " · "))
            for rule in document.ruleCounts.filter({ $0.findings > 0 }).sorted(by: { $0.findings > $1.findings }).prefix(3) {
                narrator.say(zh: "  问题：\(rule.name) \(rule.failing) 条", en: "  problem: \(rule.nameEn), \(rule.failing) records")
            }
            let gaps = document.gapCounts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            narrator.say(zh: "  差异：\(gaps.isEmpty ? "无" : gaps.joined(separator: "，"))", en: "  gaps: \(gaps.isEmpty ? "none" : gaps.joined(separator: ", "))")
            let count = { (rule: String) in document.ruleCounts.first { $0.rule == rule }?.findings ?? 0 }
            narrator.say(zh: "  地方有、总局缺失（未上报总局，计入全面性）：\(count(RuleID.missingCentral)) 条；按业务主键（决定文书号＋统一社会信用代码）配对的编号不同记录：\(count(RuleID.idDiffers)) 条",
                         en: "  held locally but not at HQ (not reported, scored under comprehensiveness): \(count(RuleID.missingCentral)); paired by business key (decision number + USCC) under different ids: \(count(RuleID.idDiffers))")
            let increment = document.segments[Finding.Segment.increment.rawValue]
            let stock = document.segments[Finding.Segment.stock.rawValue]
            narrator.say(zh: "  增量（本月新归集）得分 \(Self.score(increment?.overall.score))（\(increment?.overall.failing ?? 0)/\(increment?.overall.checked ?? 0)）；存量得分 \(Self.score(stock?.overall.score))（\(stock?.overall.failing ?? 0)/\(stock?.overall.checked ?? 0)）；超出近三年范围 \(document.records.outOfScope) 条",
                         en: "  increment (recorded this month) \(Self.score(increment?.overall.score)) (\(increment?.overall.failing ?? 0) of \(increment?.overall.checked ?? 0)); stock \(Self.score(stock?.overall.score)) (\(stock?.overall.failing ?? 0) of \(stock?.overall.checked ?? 0)); older than three years: \(document.records.outOfScope)")
            narrator.say(zh: "  问题清单（Excel 可直接打开）：\(outcome.directory.appendingPathComponent(AuditFiles.findings).path)",
                         en: "  problem list (opens in Excel): \(outcome.directory.appendingPathComponent(AuditFiles.findings).path)")
        }
        narrator.say(zh: "全国排名：" + ranking.provinces.map { "\($0.rank). \($0.provinceName ?? $0.province) \(Self.score($0.summary.overall))" }.joined(separator: "  "),
                     en: "national ranking: " + ranking.provinces.map { "\($0.rank). \($0.province) \(Self.score($0.summary.overall))" }.joined(separator: "  "))
        narrator.say(zh: "用浏览器打开报告：file://\(reports.appendingPathComponent(NationalAudit.reportFile).path)",
                     en: "open the report in a browser: file://\(reports.appendingPathComponent(NationalAudit.reportFile).path)")
    }

    static func score(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "—" }

    /// The central system's view: the records the provinces' generators produced, less a few the
    /// centre never received, plus a few the provinces lack, and three names corrected centrally.
    func writeCentralRegister() throws -> [URL] {
        let tables = try DomainTables.bundled()
        let directory = root.appendingPathComponent("central")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var urls: [URL] = []
        for (province, count) in [("440000", 2000), ("310000", 500)] {
            var generator = RecordGenerator(province: province, seed: 2026, tables: tables)
            var lines: [String] = []
            var renumbered: [String: Int] = [:]  // local id → which of the two (later versions follow)
            var seen: Set<String> = []  // penalty ids written so far: only a new penalty is renumbered
            for n in 0..<(count + 5) {
                var value = generator.nextValue()
                if n % 400 == 7 { continue }  // never reached the centre
                if n % 600 == 11, let name = value.value(at: "entity.name")?.stringValue { value = value.setting("entity.name", to: .string(name + "（更正）")) }
                // Two penalties the centre numbered itself: one with a corrected amount of facts
                // (a conflict found by business key), one otherwise equal (a match).
                if value["category"]?.stringValue == "admin_penalty", let id = value["id"]?.stringValue,
                   renumbered[id] != nil || (n > 100 && renumbered.count < 2 && value["op"]?.stringValue == "upsert" && seen.insert(id).inserted) {
                    let which = renumbered[id] ?? renumbered.count
                    renumbered[id] = which
                    value = value.setting("id", to: .string(id + "-总局"))
                    if which == 0 { value = value.setting("fields.violation_facts", to: .string("总局核实后的违法事实")) }
                }
                if value["category"]?.stringValue == "admin_penalty", let id = value["id"]?.stringValue { seen.insert(id) }
                value = value.setting("change_id", to: .string("central-" + (value["change_id"]?.stringValue ?? "\(n)")))
                lines.append(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))  // the last 5: only the centre has them
            }
            let text = Array((lines.joined(separator: "\n") + "\n").utf8)
            if province == "440000" {
                let url = directory.appendingPathComponent("central-\(province).ndjson.gz")
                let compressor = try GzipCompressor(level: 6)
                try Data(compressor.compress(text) + compressor.finish()).write(to: url)
                urls.append(url)
            } else {
                let url = directory.appendingPathComponent("central-\(province).ndjson")
                try Data(text + Array("{\"change_id\":\"broken\n".utf8)).write(to: url)
                urls.append(url)
            }
        }
        return urls
    }
}
