import ArgumentParser
import CommandSupport
import Foundation
import Inspection
import LedgerCore

struct InspectPlan: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Draw a risk-weighted random sample of entities at a signed checkpoint (plan.json).",
        discussion: """
            The sample follows from the checkpoint, the inspection id, the size, the weights and the \
            log alone (Protocol/inspection.md): anyone holding them draws the same list.
            """
    )

    @OptionGroup var source: InspectSourceOptions

    @Option(help: "The signed checkpoint to sample at (a file, e.g. from `province checkpoint`).")
    var checkpoint: String

    @Option(help: "The inspection task's id (UTF-8 text).")
    var inspectionID: String

    @Option(help: "How many entities to sample.")
    var size: Int

    @Option(help: "Weights per risk class, e.g. A=1,B=2,C=4,D=8 (the default).")
    var weights: String = RiskWeights.standard.text

    @Option(help: "Where to write the plan.")
    var out: String = "plan.json"

    func execute() async throws {
        let weights = try RiskWeights(parsing: weights)
        let text = try InputText.read(checkpoint, option: "--checkpoint")
        let plan = try await source.with { log in
            try await Planner.plan(log: log, checkpointText: text, inspectionID: inspectionID, sampleSize: size, weights: weights)
        }
        try InspectFiles.write(plan.canonicalBytes + [0x0A], to: out)
        Output.line("sampled \(plan.sample.count) of \(plan.population) entities at \(plan.checkpoint.origin) size \(plan.checkpoint.size) (seed \(plan.seed.hex.prefix(16))…)")
        for entity in plan.sample {
            Output.line("  \(entity.rank). \(entity.uscc) \(entity.name) [\(entity.riskClass)]")
        }
        Output.line("wrote \(out)")
    }
}

enum InspectFiles {
    /// Writes `bytes` to `path` through a temporary file and a rename: never half a file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InspectionError(.output, "cannot write \(path): \(error.localizedDescription)", hint: "check that the directory exists and is writable")
        }
    }

    static func readJSON(_ path: String, option: String) throws -> JSONValue {
        let text = try InputText.read(path, option: option, limit: 256 << 20)
        do {
            return try JSONParser.parse(Array(text.utf8))
        } catch {
            throw InspectionError(.malformed, "\(path) is not JSON: \(error.message)", hint: "give the file the previous inspection step wrote")
        }
    }
}
