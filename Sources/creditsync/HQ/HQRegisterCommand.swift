import ArgumentParser
import CommandSupport
import Foundation
import HQAudit
import HQNode
import HQStorage
import LineInput
import Quality

struct HQRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "HQ's central register: the central system's view of every province's records, which audits compare with the mirrors.",
        subcommands: [Import.self]
    )

    struct Import: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import change records (NDJSON, plain or gzip) into the central register, each under its own province.",
            discussion: """
                Records are applied in file order: the latest change of each (category, id) is the register's state. \
                Importing a file again adds nothing (each change_id once per province). Unusable lines are reported \
                as FILE:LINE: reason on standard error and skipped; the rest are stored. Exit status 3 if any line \
                was rejected.
                """
        )

        @OptionGroup var storage: HQStorageOptions

        @Option(help: "Directory of HQ's keys, to route held central risk items to their feeds after the import (default: --data; with --database, give it or run `hq risk release`).")
        var keys: String?

        @Argument(help: "NDJSON files (.ndjson or gzip).")
        var files: [String]

        /// The register may now know where held central risk items belong: route them again.
        func releaseHeld(_ storage: any HQStorage, keys keyDirectory: URL?) async throws {
            let held = try await storage.heldRisk.summary()
            guard held.count > 0 else { return }
            guard let keyDirectory else {
                Output.line("\(held.count) central risk items are held; route them with `creditsync hq risk release --database … --keys DIR`")
                return
            }
            let released = try await HeldRiskRelease(data: try await HQData.open(storage, keys: keyDirectory), domain: try DomainTables.bundled()).run()
            Output.line("held central risk items routed again: \(released.released) released to feeds, \(released.stillHeld) still held (`hq risk held` lists them)")
        }

        func execute() async throws {
            guard !files.isEmpty else { throw ValidationError("name at least one NDJSON file") }
            let provinces = Set(try DomainTables.bundled().nodes.keys)
            let keyDirectory = keys.map { URL(fileURLWithPath: $0) } ?? storage.location.defaultKeyDirectory
            let rejected = try await storage.with { storage in
                let summary = try await RegisterImporter(register: storage.register, provinces: provinces)
                    .run(files.map { RegisterImporter.Source(name: $0, path: $0) }) { Output.error($0.description) }
                Output.line("read \(summary.read) records: \(summary.imported) new, \(summary.repeated) imported before, \(summary.rejected) lines rejected")
                for (province, count) in summary.byProvince.sorted(by: { $0.key < $1.key }) where count > 0 {
                    Output.line("  \(province): \(count) new")
                }
                try await releaseHeld(storage, keys: keyDirectory)
                return summary.rejected
            }
            if rejected > 0 { throw ExitCode(ExitCodes.inputRejected) }
        }
    }
}
