import ArgumentParser

/// CreditSync's benchmarks, apart from the operator binary so that it carries neither the
/// benches nor their raw GRDB and psql baselines.
@main
struct CreditSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creditsync-bench",
        abstract: "Benchmarks, each beside a baseline measured in the same run (build with -c release).",
        subcommands: [BenchAppend.self, BenchProofs.self, BenchSync.self, BenchNational.self, BenchAudit.self, BenchFeed.self]
    )
}
