import ArgumentParser
import CommandSupport
import Foundation
import Inspection
import NationalCrypto

struct InspectBundle: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write one self-contained file for offline inspection of a plan's sample.",
        discussion: """
            The bundle holds the plan, each sampled record with its inclusion proof (also as a C2SP \
            tlog-proof) and, made at HQ, the central register's copy of it, the signed checkpoint, \
            HQ's receipts, the verifier keys and the log's entries up to the checkpoint, so \
            `inspect verify` can check everything, the sample included, with no network.
            """
    )

    @OptionGroup var source: InspectSourceOptions

    @Option(help: "The plan (from `inspect plan`).")
    var plan: String

    @Option(help: "HQ's cosigner verifier key (the string, or a file holding it): HQ's receipts by it go in the bundle.")
    var hqKey: String?

    @Option(help: "HQ's trust file (`creditsync hq keys export`): HQ's receipts by its keys go in the bundle.")
    var trust: String?

    @Option(help: "Where to write the bundle.")
    var out: String

    func execute() async throws {
        let plan = try InspectionPlan(json: InspectFiles.readJSON(self.plan, option: "--plan"))
        var hqKeys = try InputText.key(hqKey, option: "--hq-key").map { [$0] } ?? []
        if let trust { hqKeys += try InspectionTrust.read(URL(fileURLWithPath: trust)).cosignerKeys }
        guard !hqKeys.isEmpty else {
            throw ValidationError("give --trust FILE (from `creditsync hq keys export`) or --hq-key KEY: a bundle without HQ's receipts does not verify")
        }
        let summary = try await source.with { log in
            try await BundleWriter.write(plan: plan, log: log, hqKeys: hqKeys, cosigners: Cosignatures.verifier(forKey:), to: URL(fileURLWithPath: out))
        }
        Output.line("wrote \(out): \(summary.records) sampled records with proofs, \(summary.entries) log entries, \(summary.receipts) HQ receipts, \(summary.bytes) bytes")
        if summary.receipts == 0 {
            Output.error("note: HQ has no receipt by that key for this checkpoint; sync first or sample at a checkpoint HQ has cosigned")
        }
    }
}
