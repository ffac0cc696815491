import Foundation
import HQAudit
import HQNode
import HQStorage
import HQTestSupport
import LedgerCore
import LineInput
import Quality
import Reconcile
import Reports
import Testing
import TestSupport

@Suite("Audit reports: HTML in a real browser, the CSV problem list, the trend, the national ranking")
struct AuditReportTests {
    static let chromium = "/usr/bin/chromium"

    /// The page as Chromium parsed and laid it out (headless, no network).
    static func renderedDOM(_ file: URL) async throws -> String {
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            throw VectorError("Debian's chromium is needed to check the HTML reports: apt-get install chromium (scripts/test installs it)")
        }
        let profile = try TemporaryDirectory("creditsync-chromium")
        let result = try await Shell.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
            "--window-size=390,844", "--dump-dom", file.absoluteString,
        ])
        guard result.status == 0, result.output.contains("</html>") else { throw VectorError("chromium failed: \(result.output.suffix(800))") }
        return result.output
    }

    /// `attribute="value"` pairs of every element carrying `marker`.
    static func elements(_ dom: String, marker: String) -> [[String: String]] {
        var found: [[String: String]] = []
        var rest = dom[...]
        while let start = rest.range(of: "<"), let end = rest[start.upperBound...].range(of: ">") {
            let tag = rest[start.upperBound..<end.lowerBound]
            rest = rest[end.upperBound...]
            guard tag.contains(marker + "=") else { continue }
            var attributes: [String: String] = [:]
            var scan = tag[...]
            while let equals = scan.range(of: "=\"") {
                let name = scan[..<equals.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                guard let close = scan[equals.upperBound...].firstIndex(of: "\"") else { break }
                attributes[name] = String(scan[equals.upperBound..<close])
                scan = scan[scan.index(after: close)...]
            }
            found.append(attributes)
        }
        return found
    }

    static func score(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "—" }

    @Test("report.html renders in Chromium and shows audit.json's figures; findings.csv opens in Excel")
    func html() async throws {
        let scenario = try AuditScenario.withDefects(count: 1_500, seed: 7)
        let fixture = try await AuditCorrectnessTests.load(scenario, backend: .sqlite)
        let directory = fixture.directory.appending("report")
        let plan = AuditPlan(province: "440000", period: scenario.period, rules: AuditScenario.rules, calendar: AuditScenario.calendar, examplesPerRule: 5)
        _ = try await ProvinceAuditor(storage: fixture.storage).run(plan, output: directory)
        let file = try AuditDocument.read(directory.appendingPathComponent(AuditFiles.document))
        let header = file.header

        let dom = try await Self.renderedDOM(directory.appendingPathComponent(AuditFiles.report))
        #expect(dom.contains("<html lang=\"zh-CN\">"))
        #expect(dom.contains("广东省 \(header.month) 数据质量审计报告"))
        let rows = Self.elements(dom, marker: "data-dimension")
        #expect(rows.count == 7)
        for row in rows {
            let entry = try #require(header.scores[row["data-dimension"] ?? ""])
            #expect(row["data-score"] == Self.score(entry.score))
            #expect(row["data-failing"] == String(entry.failing) && row["data-checked"] == String(entry.checked))
        }
        let overall = try #require(Self.elements(dom, marker: "data-overall").first)
        #expect(overall["data-overall"] == Self.score(header.overall.score))
        // The method: every category's numerator and denominator, as audit.json has them.
        let methodRows = Self.elements(dom, marker: "data-method-dimension")
        #expect(methodRows.count == header.scores.values.map(\.categories.count).reduce(0, +))
        for row in methodRows {
            let entry = try #require(header.scores[row["data-method-dimension"] ?? ""]?.categories.first { $0.category == row["data-category"] })
            #expect(row["data-score"] == Self.score(entry.score) && row["data-checked"] == String(entry.checked))
            #expect(row["data-failing"] == String(entry.failing) && row["data-missing"] == String(entry.missing))
        }
        // Increment and stock side by side, the increment score as the headline.
        let segments = Self.elements(dom, marker: "data-segment")
        #expect(segments.compactMap { $0["data-segment"] } == ["increment", "stock"])
        for row in segments {
            let entry = try #require(header.segments[row["data-segment"] ?? ""])
            #expect(row["data-score"] == Self.score(entry.overall.score) && row["data-findings"] == String(entry.findings))
            #expect(row["data-failing"] == String(entry.overall.failing) && row["data-checked"] == String(entry.overall.checked))
        }
        #expect(Self.elements(dom, marker: "data-increment").first?["data-increment"] == Self.score(header.segments["increment"]?.overall.score))
        #expect(header.segments.values.map(\.findings).reduce(0, +) == file.findings.count)
        #expect(Self.elements(dom, marker: "data-mirror-root").first?["data-mirror-root"] == header.mirror.root)
        // Grouped by rule: every failing rule with its counts, at most five examples each.
        let groups = Self.elements(dom, marker: "data-rule")
        #expect(Set(groups.compactMap { $0["data-rule"] }) == Set(header.ruleCounts.filter { $0.findings > 0 }.map(\.rule)))
        for group in groups {
            let entry = try #require(header.ruleCounts.first { $0.rule == group["data-rule"] })
            #expect(group["data-failing"] == String(entry.failing) && group["data-findings"] == String(entry.findings))
        }
        for gap in Self.elements(dom, marker: "data-gap") {
            #expect(gap["data-count"] == String(header.gapCounts[gap["data-gap"] ?? ""] ?? -1))
        }
        // No scripts, no external resources: one file that opens offline.
        let html = try String(contentsOf: directory.appendingPathComponent(AuditFiles.report), encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://") && !html.contains("<link"))

        // The problem list: BOM, a header, one row per finding, Chinese hints.
        let csv = try Data(contentsOf: directory.appendingPathComponent(AuditFiles.findings))
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "问题编号,存量/增量,统一社会信用代码,主体名称,记录类别,类别名称,记录编号,业务主键,数据来源单位,来源单位代码,"
                + "日志序号,维度,维度名称,规则编号,规则,字段,问题值,应为/期限,问题描述,整改建议")
        #expect(lines.count - 1 >= file.findings.count)  // quoted fields may hold line breaks
        let first = try #require(file.findings.first)
        #expect(text.contains(first.hint))
        // Every row can be dispatched: finding id, segment, entity and producing unit are filled
        // (the unit only where the defect is not in the unit's own name).
        for finding in file.findings {
            #expect(finding.findingID?.count == 16 && finding.segment != nil && finding.uscc != nil
                     && (finding.sourceUnit != nil || finding.field == "source.name"),
                    "\(finding.rule) \(finding.category)/\(finding.id)")
        }
        #expect(lines.contains { $0.hasPrefix(first.findingID! + ",") })

        // English on request.
        let english = fixture.directory.appending("report-en")
        var plan2 = plan
        plan2.language = .english
        _ = try await ProvinceAuditor(storage: fixture.storage).run(plan2, output: english)
        let englishDOM = try await Self.renderedDOM(english.appendingPathComponent(AuditFiles.report))
        #expect(englishDOM.contains("<html lang=\"en\">") && englishDOM.contains("The seven dimensions"))
        let englishCSV = try String(contentsOf: english.appendingPathComponent(AuditFiles.findings), encoding: .utf8)
        #expect(englishCSV.contains("finding_id,segment,uscc,entity_name,category,category_name,id,business_key,source_unit,source_code"))
    }

    @Test("a month's audit shows the change against the previous month; the ranking covers every enrolled province",
          arguments: StorageBackend.allCases)
    func trendAndRanking(backend: StorageBackend) async throws {
        let scenario = try AuditScenario.withDefects(count: 1_500, seed: 5)
        let fixture = try await AuditCorrectnessTests.load(scenario, backend: backend)
        let other = try RawLog(province: "310000")
        try await fixture.data.administration.enroll(province: "310000", verifierKey: other.signer.verifierKey, now: Date())
        let period = scenario.period
        let before = try AuditPeriod(year: period.month == 1 ? period.year - 1 : period.year, month: period.month == 1 ? 12 : period.month - 1)
        let plan = AuditPlan(province: "440000", period: before, rules: AuditScenario.rules, calendar: AuditScenario.calendar)
        let first = try await ProvinceAuditor(storage: fixture.storage).run(plan, output: fixture.directory.appending("before"))
        #expect(first.document.trend == nil)

        var national = plan
        national.period = period
        let ranking = try await NationalAudit(storage: fixture.storage).run(national, output: fixture.directory.appending("national"))
        #expect(ranking.provinces.map(\.province) == ["440000", "310000"])
        #expect(ranking.provinces.map(\.rank) == [1, 2])
        #expect(ranking.provinces[1].summary.overall == nil)  // nothing mirrored, nothing in the register
        let guangdong = try AuditDocument.read(fixture.directory.appending("national/440000/audit.json")).header
        let trend = try #require(guangdong.trend)
        #expect(trend.previousMonth == before.description)
        #expect(trend.overall.previous == first.document.overall.score && trend.overall.current == guangdong.overall.score)
        if let previous = first.document.overall.score, let current = guangdong.overall.score {
            #expect(abs((trend.overall.change ?? .nan) - (current - previous)) < 0.006)
        }
        #expect(ranking.provinces[0].change == trend.overall.change)
        // Each audit is kept at HQ, with what it read.
        let kept = try #require(try await fixture.storage.audits.latest(province: "440000", month: period.description))
        #expect(kept.mirrorSize == guangdong.mirror.size && kept.mirrorRoot == guangdong.mirror.root && kept.rulesSHA256 == guangdong.rules.sha256)
        #expect(try await fixture.storage.audits.latest(month: period.description).map(\.province) == ["310000", "440000"])

        let dom = try await Self.renderedDOM(fixture.directory.appending("national/national.html"))
        let rows = Self.elements(dom, marker: "data-rank")
        #expect(rows.map { $0["data-province"] } == ["440000", "310000"])
        #expect(rows.first?["data-overall"] == Self.score(guangdong.overall.score))
        // The increment score beside the overall, and the stated tie-break.
        #expect(ranking.provinces[0].increment == guangdong.segments["increment"]?.overall.score)
        #expect(Self.elements(dom, marker: "data-increment").first?["data-increment"] == Self.score(guangdong.segments["increment"]?.overall.score))
        #expect(dom.contains("综合得分相同按增量得分从高到低") && ranking.tieBreak.contains("increment score"))
        func entry(_ code: String, overall: Double?, increment: Double?) throws -> NationalAudit.Entry {
            var summary = ranking.provinces[0].summary
            summary.overall = overall
            return NationalAudit.Entry(rank: 0, province: code, provinceName: nil, summary: summary, change: nil, previousMonth: nil,
                                       increment: increment, incrementChange: nil)
        }
        let tied = [try entry("110000", overall: 90, increment: 80), try entry("120000", overall: 90, increment: 95),
                    try entry("130000", overall: 90, increment: nil), try entry("140000", overall: nil, increment: 99), try entry("150000", overall: 91, increment: 1)]
        #expect(tied.sorted(by: NationalAudit.ranksBefore).map(\.province) == ["150000", "120000", "110000", "130000", "140000"])
    }

    @Test("a rerun at the named checkpoint and register size gives the same findings after both have grown")
    func reproducible() async throws {
        let scenario = try AuditScenario.withDefects(count: 1_200, seed: 9)
        var fixture = try await AuditCorrectnessTests.load(scenario, backend: .sqlite)
        let plan = AuditPlan(province: "440000", period: scenario.period, rules: AuditScenario.rules, calendar: AuditScenario.calendar)
        let first = try await ProvinceAuditor(storage: fixture.storage).run(plan, output: fixture.directory.appending("one"))
        // Both sides grow.
        fixture.append(try TestRecords.records(0..<50))
        try await fixture.mirrorLog(to: UInt64(scenario.local.count + 50))
        _ = try await RegisterImporter(register: fixture.storage.register, provinces: ["440000"])
            .run([.init(name: "x", path: try Self.write(TestRecords.ndjson(100..<130), in: fixture.directory))]) { _ in }
        var rerun = plan
        rerun.mirrorSize = first.document.mirror.size
        rerun.registerSize = first.document.register.size
        _ = try await ProvinceAuditor(storage: fixture.storage).run(rerun, output: fixture.directory.appending("two"))
        let one = try AuditDocument.read(fixture.directory.appending("one/audit.json"))
        let two = try AuditDocument.read(fixture.directory.appending("two/audit.json"))
        #expect(one.findings == two.findings && one.gaps == two.gaps)
        #expect(one.header.scores == two.header.scores && one.header.mirror == two.header.mirror)
        // A size HQ does not hold is refused.
        rerun.mirrorSize = 10_000_000
        await #expect(throws: AuditError.self) { _ = try await ProvinceAuditor(storage: fixture.storage).run(rerun, output: fixture.directory.appending("three")) }
    }

    static func write(_ text: String, in directory: TemporaryDirectory) throws -> String {
        let url = directory.appending("extra-\(UUID().uuidString).ndjson")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
