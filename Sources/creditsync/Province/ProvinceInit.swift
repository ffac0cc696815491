import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Quality

struct ProvinceInit: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger and its signing key (DIR/ledger.sqlite, DIR/signing.key with mode 0600)."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The province's 6-digit division code, e.g. 440000 (660000 for the XPCC).")
    var province: String

    @Option(help: "The log origin and signing key name (default creditsync.samr/province/<code>).")
    var origin: String?

    @Option(help: "Cryptographic suite: sha256-ed25519 (default) or sm3-sm2.")
    var suite: String = SuiteID.sha256Ed25519.rawValue

    func execute() async throws {
        let code: ProvinceCode
        do {
            code = try ProvinceCode(province)
        } catch {
            throw ProvinceNodeError(.unknownProvince, error.message, hint: "use a GB/T 2260 provincial code such as 440000 (广东省)")
        }
        let tables = try DomainTables.bundled()
        guard let name = tables.nodes[code.rawValue] else {
            throw ProvinceNodeError(.unknownProvince, "\(province) is not one of the 31 province codes or the XPCC (660000)",
                                    hint: "use a GB/T 2260 provincial code such as 440000 (广东省)")
        }
        let suiteID = try SuiteID(parsing: suite)
        let ledger = try ProvinceLedger.initialize(directory: options.directory, province: code, origin: origin,
                                                   suite: Suites.named(suiteID), now: Date())
        Output.line("created ledger \(ledger.store.path)")
        Output.line("province \(code) \(name), suite \(suiteID.rawValue), origin \(ledger.store.metadata.origin)")
        Output.line("verifier key: \(ledger.signer.verifierKey)")
    }
}
