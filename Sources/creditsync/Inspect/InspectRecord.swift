import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import Inspection
import LedgerCore
import NationalCrypto
import Quality

struct InspectRecord: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Keep a signed inspection result at HQ as findings of the inspected province.",
        discussion: """
            The result (comparison.json from `inspect compare --key`) must verify with HQ's inspection \
            key, name the given bundle by its SHA-256, and the bundle must verify against HQ's own \
            enrolment. Each inconsistency becomes a finding of the province under the rules file's \
            `inspection` rules. Nothing is written to any ledger or against any enterprise. Recording \
            the same result again stores nothing; another result under the same inspection id is refused.
            """
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "The signed comparison.json that `inspect compare --key` wrote.")
    var result: String

    @Option(help: "The bundle the result compared.")
    var bundle: String

    @Option(help: "Quality rules file (default: the rules shipped with this build, = ops/rules/quality-rules.json).")
    var rules: String?

    func execute() async throws {
        let rulesFile = try rules.map { try QualityRules.load(contentsOf: URL(fileURLWithPath: $0)) } ?? QualityRules.bundled()
        let text = try InputText.read(result, option: "--result", limit: SignedResult.maximumBytes)
        let outcome = try await storage.with { data in
            let trust = try InspectionTrust(enrolments: try await data.registry.enrolments(), cosignerKeys: SuiteID.allCases.map { data.keys.cosignerKey(for: $0) },
                                            feedKey: { try data.keys.feedVerifierKey(province: $0, suite: $1) }, now: Date())
            let recorder = ResultRecorder(inspectionKey: data.keys.inspection.verifierKey, trust: trust, rules: rulesFile, resolve: Suites.named,
                                          cosigners: Cosignatures.verifier(forKey:), register: data.storage.register)
            return try await recorder.record(result: Array(text.utf8), bundle: URL(fileURLWithPath: bundle), into: data.storage.audits, now: Date())
        }
        let inspection = outcome.inspection
        Output.line("\(outcome.recorded ? "recorded" : "already recorded"): inspection \(inspection.inspectionID) of \(inspection.province) at size \(inspection.treeSize), \(inspection.findingCount) findings of the province (rules \(inspection.rulesVersion))")
        for (rule, count) in Dictionary(grouping: outcome.findings.findings, by: { $0.rule }).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            Output.line("  \(rule): \(count)")
        }
    }
}
