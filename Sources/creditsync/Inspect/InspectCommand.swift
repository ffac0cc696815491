import ArgumentParser

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "On-site inspection: a sample anyone can recompute, an offline bundle, archive comparison, results into the ledger.",
        discussion: "The sample and the bundle format are specified in Protocol/inspection.md.",
        subcommands: [InspectPlan.self, InspectBundle.self, InspectVerify.self, InspectCompare.self, InspectRecord.self]
    )
}
