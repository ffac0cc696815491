import ArgumentParser

@main
struct CreditSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creditsync",
        abstract: "Verifiable enterprise-credit ledgers for provincial regulators and HQ.",
        discussion: """
            Exit codes: 0 success; 1 failure; 3 some input rejected (the rest was stored); \
            4 ledger verification failed; 5 configuration or usage problem; \
            6 HQ unreachable (retry later); 7 refused by HQ or protocol error (needs an operator).
            """,
        subcommands: [ProvinceCommand.self, HQCommand.self, InspectCommand.self, PKICommand.self, GenCommand.self, DemoCommand.self]
    )
}
