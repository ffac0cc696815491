import ArgumentParser
import Foundation
import HQNode

/// Where HQ's data lives, for the `hq` commands that open it.
struct HQDataOptions: ParsableArguments {
    @Option(help: "HQ's data directory (embedded SQLite storage and, by default, HQ's keys).")
    var data: String

    @Option(help: "Directory of HQ's keys (cosigner.key); defaults to --data.")
    var keys: String?

    func open() throws -> HQData {
        try HQData.open(data: URL(fileURLWithPath: data), keys: keys.map { URL(fileURLWithPath: $0) })
    }
}
