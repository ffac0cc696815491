import ArgumentParser
import CommandSupport
import Foundation
import Inspection
import LedgerCore
import NationalCrypto

struct InspectVerify: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a bundle offline against HQ's exported keys: signatures, the order of the draw, proofs, the log and the sample; exit 4 naming what fails."
    )

    @Argument(help: "The bundle file.")
    var file: String

    @Option(help: "HQ's trust file (`creditsync hq keys export`): the only keys the bundle is verified against.")
    var trust: String

    func execute() async throws {
        let trust = try InspectionTrust.read(URL(fileURLWithPath: trust))
        let bundle = try BundleVerifier.verify(URL(fileURLWithPath: file), trust: trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
        let plan = bundle.plan
        Output.line("ok: \(plan.checkpoint.origin) size \(plan.checkpoint.size) root \(plan.checkpoint.root.base64)")
        Output.line("  checkpoint signed by the log key HQ enrolled: \(bundle.logKeys.joined(separator: ", "))")
        Output.line("  HQ receipts for size \(bundle.latestSize)\(bundle.latestSize == plan.checkpoint.size ? "" : " (consistent with the plan's)") by \(bundle.receipts.joined(separator: ", "))")
        Output.line("  \(bundle.entries) log entries hash to the checkpoint's root; \(bundle.records.count) records proved included")
        Output.line("  notice in HQ's feed at entry \(plan.evidence.noticeIndex), signed by HQ's feed key; the province acknowledged it at entry \(bundle.point.size - 1) of its log, with its nonce: the sample is drawn over entries [0, \(bundle.point.size))")
        Output.line("  the revealed secret matches the notice's commitment; the sample of \(plan.sample.count) records drawn again from inspection \(plan.inspectionID): the same")
    }
}
