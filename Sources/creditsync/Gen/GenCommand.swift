import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import Quality
import Synthetic

struct GenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate synthetic data for tests, demos and benchmarks.",
        subcommands: [Records.self]
    )

    struct Records: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "records",
            abstract: "Write realistic synthetic NDJSON change records (valid USCCs, real category fields, Chinese names)."
        )

        @Option(help: "Province division code.")
        var province: String

        @Option(help: "How many records.")
        var count: Int

        @Option(help: "Seed: the same seed gives the same records.")
        var seed: UInt64 = 1

        @Option(help: "Write to this file instead of standard output.")
        var out: String?

        func execute() async throws {
            let code = try ProvinceCode(province)
            var generator = RecordGenerator(province: code.rawValue, seed: seed, tables: try DomainTables.bundled())
            let handle: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil) else {
                    throw ValidationError("cannot create \(out)")
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            } else {
                handle = FileHandle.standardOutput
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            for _ in 0..<count {
                buffer.append(contentsOf: generator.next())
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try handle.write(contentsOf: Data(buffer))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: Data(buffer))
            if out != nil { try handle.close() }
        }
    }
}
