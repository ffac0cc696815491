import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import LineInput
import Quality

struct HQRiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Central-origin risk information (总对总) pushed down to the provinces through HQ's signed per-province feeds.",
        subcommands: [Import.self, Held.self, Release.self, ExportLogs.self, CheckLogs.self]
    )

    struct Import: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import central_risk and cross_province records (NDJSON, plain or gzip) into the feed of each entity's province.",
            discussion: """
                Each record goes to the province where the central register has its entity registered, else to the \
                province named by positions 3-4 of its Unified Social Credit Code. Records that cannot be routed yet \
                (central division 100000, malformed codes, provinces not enrolled) are held with their reason, never \
                dropped: `hq risk held` lists them, and every register import and enrolment routes them again. Lines \
                that are not usable central_risk records are reported as FILE:LINE: reason on standard error. \
                Importing a file again appends nothing. Exit status 3 if any line was rejected.
                """
        )

        @OptionGroup var storage: HQDataOptions

        @Option(help: "Quality rules file for the central_risk_kind code table (default: the rules shipped with this build, = ops/rules/quality-rules.json).")
        var rules: String?

        @Option(help: "Central departments file: codes, names, kinds and lists (default: the one shipped with this build, = ops/rules/central-departments.json).")
        var departments: String?

        @Argument(help: "NDJSON files (.ndjson or gzip).")
        var files: [String]

        func execute() async throws {
            guard !files.isEmpty else { throw ValidationError("name at least one NDJSON file") }
            let domain = try DomainTables.bundled()
            let rulesFile = try rules.map { try QualityRules.load(contentsOf: URL(fileURLWithPath: $0)) } ?? QualityRules.bundled()
            let departmentsFile = try departments.map { try CentralDepartments.load(contentsOf: URL(fileURLWithPath: $0)) } ?? CentralDepartments.bundled()
            let summary = try await storage.with { data in
                try await RiskImporter(data: data, domain: domain, rules: rulesFile, departments: departmentsFile).run(files.map { RiskImporter.Source(name: $0, path: $0) }) { Output.error($0.description) }
            }
            Output.line("read \(summary.read) routable records: \(summary.appended) appended to feeds, \(summary.repeated) imported before; "
                        + "\(summary.held) held until they can be routed (`hq risk held`); \(summary.rejected) lines rejected; "
                        + "routed by registration \(summary.byRegistration), by code \(summary.byCode)")
            for (province, count) in summary.byProvince.sorted(by: { $0.key < $1.key }) where count > 0 {
                Output.line("  \(province): \(count) new feed entries")
            }
            if summary.rejected > 0 { throw ExitCode(ExitCodes.inputRejected) }
        }
    }

    struct Held: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "held",
            abstract: "List the central risk items HQ cannot route yet, with the reason and since when.",
            discussion: "Reasons: invalid-code, central-authority, unknown-division, several-provinces, not-enrolled."
        )

        @OptionGroup var storage: HQStorageOptions

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        func execute() async throws {
            let formatter = ISO8601DateFormatter()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try await storage.with { storage in
                var after: String?
                var count = 0
                while true {
                    let page = try await storage.heldRisk.held(after: after, limit: 1000)
                    guard let last = page.last else { break }
                    after = last.changeID
                    for item in page {
                        count += 1
                        if json {
                            let line: [String: String] = ["change_id": item.changeID, "uscc": item.uscc, "code": item.code, "reason": item.reason,
                                                          "held_at": formatter.string(from: item.heldAt)]
                            Output.line(String(decoding: try encoder.encode(line), as: UTF8.self))
                        } else {
                            Output.line("\(formatter.string(from: item.heldAt))  \(item.changeID)  \(item.uscc)  [\(item.code)] \(item.reason)")
                        }
                    }
                }
                if !json { Output.line("\(count) held") }
            }
        }
    }

    struct Release: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "release",
            abstract: "Route the held central risk items again (register imports and enrolments do this themselves).",
            discussion: "Items that can now be routed are appended to their provinces' feeds and leave the queue; the rest stay held with their current reason. Delivered items whose entity is now registered in another enrolled province are withdrawn from the old feed and delivered to the new one."
        )

        @OptionGroup var storage: HQDataOptions

        func execute() async throws {
            let summary = try await storage.with { data in try await HeldRiskRelease(data: data, domain: try DomainTables.bundled()).run() }
            Output.line("\(summary.released) released to feeds, \(summary.stillHeld) still held; \(summary.moved) delivered items followed their entity to another province")
            for (province, count) in summary.byProvince.sorted(by: { $0.key < $1.key }) {
                Output.line("  \(province): \(count)")
            }
            for (province, count) in summary.movedTo.sorted(by: { $0.key < $1.key }) {
                Output.line("  moved to \(province): \(count)")
            }
        }
    }
}
