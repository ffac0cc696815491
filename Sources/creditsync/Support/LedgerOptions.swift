import ArgumentParser
import Foundation

struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger directory (holds ledger.sqlite and signing.key).")
    var ledger: String

    var directory: URL { URL(fileURLWithPath: ledger) }
}
