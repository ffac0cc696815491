import ArgumentParser

struct ProvinceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province",
        abstract: "A province's own ledger: create, append, checkpoint, prove, verify.",
        subcommands: [
            ProvinceInit.self, ProvinceAppend.self, ProvinceCheckpoint.self, ProvinceKey.self, ProvinceEntry.self,
            ProvinceProof.self, ProvinceVerify.self, ProvinceState.self, ProvinceSync.self, ProvinceReceipts.self, ProvinceRotateKey.self, ProvinceRisk.self,
            ProvinceStatus.self, ProvinceEvidence.self,
        ]
    )
}
