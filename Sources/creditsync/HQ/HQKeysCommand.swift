import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import Inspection
import LedgerCore

struct HQKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "HQ's public keys for people who verify offline.",
        subcommands: [HQKeysExport.self]
    )
}

struct HQKeysExport: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the trust file inspectors verify bundles against: HQ's receipt keys and every enrolled province's log keys.",
        discussion: "Hand the file over by a channel the inspector trusts: `inspect verify --trust FILE` accepts only logs, keys and receipts it names."
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "Where to write the trust file (canonical JSON).")
    var out: String

    func execute() async throws {
        let trust = try await storage.with { data in
            try InspectionTrust(enrolments: try await data.registry.enrolments(), cosignerKeys: SuiteID.allCases.map { data.keys.cosignerKey(for: $0) },
                                feedKey: { try data.keys.feedVerifierKey(province: $0, suite: $1) }, now: Date())
        }
        try InspectFiles.write(CanonicalJSON.encode(trust.json) + [0x0A], to: out)
        Output.line("wrote \(out): \(trust.provinces.count) enrolled provinces")
        for key in trust.cosignerKeys {
            if let parsed = try? VerifierKey(parsing: key) { Output.line("  HQ receipt key \(parsed.described)") }
        }
        for province in trust.provinces {
            let keys = province.logKeys.compactMap { try? VerifierKey(parsing: $0.verifierKey) }.map { String(format: "%08x", $0.keyID) }
            Output.line("  \(province.province) \(province.origin) log keys \(keys.joined(separator: ", "))")
        }
    }
}
