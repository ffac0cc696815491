import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import Inspection
import LedgerCore

struct InspectPlan: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Draw the announced inspection's stratified sample of the bureau's records (plan.json), revealing the secret.",
        discussion: """
            At HQ, after the province acknowledged the notice (its cosignature of a feed checkpoint \
            holding it) and HQ cosigned a checkpoint of its log after that: the sample is drawn there, \
            from the notice, the secret and that checkpoint alone (Protocol/inspection.md §1).
            """
    )

    @OptionGroup var storage: HQStorageOptions

    @Option(help: "The province's division code.")
    var province: String

    @Option(help: "The inspection's id, as announced.")
    var inspectionID: String

    @Option(help: "The secret file `inspect announce --secret-out` wrote.")
    var secret: String

    @Option(help: "Where to write the plan.")
    var out: String = "plan.json"

    func execute() async throws {
        let secret = try Announcement.readSecret(URL(fileURLWithPath: secret))
        let plan = try await HQInspectionSource.with(storage.location, province: province) { source in
            guard let feed = try await source.storage.existingFeed(province: source.enrolment.province) else {
                throw InspectionError(.usage, "HQ has no feed of \(province) yet", hint: "announce the inspection first with `creditsync inspect announce`")
            }
            return try await Planner.plan(inspectionID: inspectionID, secret: secret, feed: feed, log: source.log,
                                          receipts: try await source.log.mirror.receipts(size: nil))
        }
        try InspectFiles.write(plan.canonicalBytes + [0x0A], to: out)
        let total = plan.population.values.reduce(0, +)
        Output.line("sampled \(plan.sample.count) of \(total) records at \(plan.checkpoint.origin) size \(plan.checkpoint.size) (seed \(plan.seed.hex.prefix(16))…)")
        for stratum in plan.notice.strata {
            Output.line("  \(stratum.name): \(plan.sample.filter { $0.stratum == stratum.name }.count) of \(plan.population[stratum.name] ?? 0)")
        }
        for item in plan.sample {
            Output.line("  \(item.stratum) \(item.rank). \(item.category) \(item.id) \(item.uscc) \(item.name)")
        }
        Output.line("wrote \(out)")
    }
}

enum InspectFiles {
    /// Writes `bytes` to `path` through a temporary file and a rename: never half a file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InspectionError(.output, "cannot write \(path): \(error.localizedDescription)", hint: "check that the directory exists and is writable")
        }
    }

    static func readJSON(_ path: String, option: String) throws -> JSONValue {
        let text = try InputText.read(path, option: option, limit: 256 << 20)
        do {
            return try JSONParser.parse(Array(text.utf8))
        } catch {
            throw InspectionError(.malformed, "\(path) is not JSON: \(error.message)", hint: "give the file the previous inspection step wrote")
        }
    }
}
