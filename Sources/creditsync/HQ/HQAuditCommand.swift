import ArgumentParser
import CommandSupport
import Foundation
import HQAudit
import HQNode
import LedgerCore
import Quality
import Reports

struct HQAuditCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a province (or --all) for a month: gaps against the central register, the seven quality dimensions, scores and reports.",
        discussion: """
            Writes audit.json, findings.csv (问题清单, UTF-8 with BOM), gaps.csv and report.html into --out \
            (with --all, one directory per province plus national.json and national.html). Timeliness counts the \
            records recorded in --month; every other finding covers the whole state. The audit names the mirror \
            checkpoint, register size and rules file it used: rerun it with --mirror-size, --register-size and \
            --rules to get the same findings.
            """
    )

    @OptionGroup var storage: HQStorageOptions

    @Option(help: "The province's division code.")
    var province: String?

    @Flag(help: "Audit every enrolled province and rank them.")
    var all = false

    @Option(help: "The scoring month, YYYY-MM.")
    var month: String

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "Quality rules file (default: the rules shipped with this build, = ops/rules/quality-rules.json).")
    var rules: String?

    @Option(help: "Working-day calendar (default: the calendar shipped with this build, = ops/calendar.json).")
    var calendar: String?

    @Option(help: "Report language: zh or en.")
    var lang: String = ReportLanguage.chinese.rawValue

    @Option(help: "Read the mirror at this checkpoint size (to rerun an audit).")
    var mirrorSize: UInt64?

    @Option(help: "Read this many central register changes (to rerun an audit).")
    var registerSize: UInt64?

    @Option(help: "Findings per rule shown in report.html (findings.csv has them all).")
    var examples: Int = 20

    @Flag(name: .customLong("by-source"), help: "Also split the problem list into one CSV per source unit (the deciding authority, else the record's source), in by-source/.")
    var bySource = false

    @Option(help: "A hot standby of --database to read the mirrors and the central register from; the audit is still kept in --database.")
    var standby: String?

    func validate() throws {
        guard (province == nil) != !all else { throw ValidationError("give --province CODE or --all") }
        if all, mirrorSize != nil || registerSize != nil { throw ValidationError("--mirror-size and --register-size rerun one province's audit") }
        guard ReportLanguage(rawValue: lang) != nil else { throw ValidationError("--lang is zh or en") }
        guard examples >= 0 else { throw ValidationError("--examples must not be negative") }
        if standby != nil, storage.database == nil { throw ValidationError("--standby reads a standby of --database: give --database URL (the primary)") }
    }

    func execute() async throws {
        let period = try AuditPeriod(month)
        let rulesFile = try rules.map { try QualityRules.load(contentsOf: URL(fileURLWithPath: $0)) } ?? QualityRules.bundled()
        let calendarFile = try calendar.map { try WorkingCalendar.load(contentsOf: URL(fileURLWithPath: $0)) } ?? WorkingCalendar.bundled()
        let language = ReportLanguage(rawValue: lang) ?? .chinese
        var plan = AuditPlan(province: province ?? "", period: period, rules: rulesFile, calendar: calendarFile,
                             mirrorSize: mirrorSize, registerSize: registerSize, language: language, examplesPerRule: examples,
                             bySource: bySource)
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try await storage.with(standby: standby) { storage, audits in
            if all {
                let ranking = try await NationalAudit(storage: storage, audits: audits).run(plan, output: directory) { outcome in
                    Output.line(Self.line(outcome.summary, name: outcome.document.provinceName))
                }
                Output.line("national ranking \(ranking.month): \(directory.appendingPathComponent(NationalAudit.reportFile).path)")
            } else {
                plan.province = try ProvinceCode(province ?? "").rawValue
                let outcome = try await ProvinceAuditor(storage: storage, audits: audits).run(plan, output: directory)
                Self.print(outcome)
            }
        }
    }

    static func line(_ summary: AuditSummary, name: String?) -> String {
        let overall = summary.overall.map { String(format: "%.2f", $0) } ?? "—"
        return "\(summary.province) \(name ?? ""): overall \(overall) (\(summary.failing) of \(summary.checked) records failing), \(summary.findings) findings"
    }

    static func print(_ outcome: ProvinceAuditor.Outcome) {
        let document = outcome.document
        Output.line(line(outcome.summary, name: document.provinceName))
        for dimension in QualityDimension.allCases {
            guard let entry = document.scores[dimension.rawValue] else { continue }
            let score = entry.score.map { String(format: "%6.2f", $0) } ?? "     —"
            let change = document.trend?.scores[dimension.rawValue]?.change.map { String(format: " (%+.2f)", $0) } ?? ""
            Output.line("  \(dimension.chineseName) \(dimension.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(score)  \(entry.failing)/\(entry.checked)\(change)")
        }
        let gaps = document.gapCounts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        Output.line("  gaps: \(gaps.isEmpty ? "none" : gaps.joined(separator: ", "))")
        Output.line("  mirror checkpoint \(document.mirror.size) \(document.mirror.root), register \(document.register.size), rules \(document.rules.version)")
        Output.line("  wrote \(outcome.directory.path)/{\(AuditFiles.document),\(AuditFiles.findings),\(AuditFiles.gaps),\(AuditFiles.report)}")
        if let increment = document.segments[Finding.Segment.increment.rawValue], let stock = document.segments[Finding.Segment.stock.rawValue] {
            let score = { (value: Double?) in value.map { String(format: "%.2f", $0) } ?? "—" }
            let change = document.trend?.increment.change.map { String(format: " (%+.2f)", $0) } ?? ""
            Output.line("  increment \(score(increment.overall.score))\(change) (\(increment.overall.failing) of \(increment.overall.checked)), stock \(score(stock.overall.score)) (\(stock.overall.failing) of \(stock.overall.checked)), out of scope \(document.records.outOfScope)")
        }
        if FileManager.default.fileExists(atPath: outcome.directory.appendingPathComponent(AuditFiles.bySource).path) {
            Output.line("  wrote \(outcome.directory.appendingPathComponent(AuditFiles.bySource).path)/ (one problem list per source unit)")
        }
    }
}
