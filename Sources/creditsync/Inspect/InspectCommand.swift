import ArgumentParser

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "On-site inspection of a bureau's data: an announced, unsteerable sample, an offline bundle, three comparisons, signed findings at HQ.",
        discussion: "The sample and the bundle format are specified in Protocol/inspection.md.",
        subcommands: [InspectAnnounce.self, InspectPlan.self, InspectBundle.self, InspectVerify.self, InspectCompare.self, InspectRecord.self]
    )
}
