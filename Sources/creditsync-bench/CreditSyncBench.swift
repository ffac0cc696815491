import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each beside a baseline measured in the same run (build with -c release).",
        subcommands: [BenchAppend.self, BenchProofs.self, BenchSync.self, BenchNational.self, BenchAudit.self, BenchFeed.self]
    )
}
