import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import LineInput
import Quality

struct HQRiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Central-origin risk information (总对总) pushed down to the provinces through HQ's signed per-province feeds.",
        subcommands: [Import.self]
    )

    struct Import: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import central_risk records (NDJSON, plain or gzip) into the feed of each entity's province.",
            discussion: """
                Each record goes to the province where the central register has its entity registered, else to the \
                province named by positions 3-4 of its Unified Social Credit Code. Lines that are not usable \
                central_risk records and records that cannot be routed (central division 100000, malformed codes, \
                provinces not enrolled) are reported as FILE:LINE: reason on standard error; the rest are appended \
                and signed. Importing a file again appends nothing. Exit status 3 if any line was rejected.
                """
        )

        @OptionGroup var storage: HQDataOptions

        @Option(help: "Quality rules file for the central_risk_kind code table (default: the rules shipped with this build, = ops/rules/quality-rules.json).")
        var rules: String?

        @Argument(help: "NDJSON files (.ndjson or gzip).")
        var files: [String]

        func execute() async throws {
            guard !files.isEmpty else { throw ValidationError("name at least one NDJSON file") }
            let domain = try DomainTables.bundled()
            let rulesFile = try rules.map { try QualityRules.load(contentsOf: URL(fileURLWithPath: $0)) } ?? QualityRules.bundled()
            let summary = try await storage.with { data in
                try await RiskImporter(data: data, domain: domain, rules: rulesFile).run(files.map { RiskImporter.Source(name: $0, path: $0) }) { Output.error($0.description) }
            }
            Output.line("read \(summary.read) routable records: \(summary.appended) appended to feeds, \(summary.repeated) imported before; "
                        + "\(summary.rejected) lines rejected (\(summary.unroutable) unroutable); routed by registration \(summary.byRegistration), by code \(summary.byCode)")
            for (province, count) in summary.byProvince.sorted(by: { $0.key < $1.key }) where count > 0 {
                Output.line("  \(province): \(count) new feed entries")
            }
            if summary.rejected > 0 { throw ExitCode(ExitCodes.inputRejected) }
        }
    }
}
