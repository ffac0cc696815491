import ArgumentParser
import Foundation
import LedgerCore
import LedgerStore

struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger directory (holds ledger.sqlite and signing.key).")
    var ledger: String

    var directory: URL { URL(fileURLWithPath: ledger) }
}

/// Sizes and indexes given on the command line are bounded where they are parsed: a number a
/// store cannot hold is a usage error (exit 5) that names the bound.
enum LogNumber {
    static func check(_ value: UInt64?, _ option: String) throws {
        guard let value, value > LogLimits.maximumSize else { return }
        throw LedgerStoreError(.indexOutOfRange, "\(option) \(value) is beyond the largest log size or index, \(LogLimits.maximumSize)",
                               hint: "log sizes and indexes are below 2^63")
    }
}
