public import LedgerCore

/// A drawn sample and everything it was drawn from (`plan.json`). It is a function of the
/// checkpoint, the inspection id, the sample size, the weights and the log: `draw` is the only
/// way to make one, and a bundle's verifier draws it again and requires the same bytes.
public struct InspectionPlan: Sendable, Equatable {
    public static let format = "creditsync/inspection-plan/v1"

    public struct Sampled: Sendable, Equatable {
        public var rank: Int
        public var uscc: String
        public var name: String
        public var riskClass: String
        public var weight: UInt64
        public var key: UInt64
    }

    /// The signed checkpoint, verbatim as given (cosignatures included).
    public var checkpointText: String
    public var checkpoint: Checkpoint
    public var inspectionID: String
    public var sampleSize: Int
    public var weights: RiskWeights
    public var seed: [UInt8]
    public var populationByClass: [String: Int]
    public var sample: [Sampled]

    public var population: Int { populationByClass.values.reduce(0, +) }
    public var totalWeight: UInt64 { populationByClass.reduce(0) { $0 + UInt64($1.value) * weights.weight(of: $1.key) } }

    /// Draws the sample of `sampleSize` from `members` (the population of the checkpoint's log).
    public static func draw(checkpoint: VerifiedCheckpoint, inspectionID: String, sampleSize: Int, weights: RiskWeights,
                            members: [LogScan.Member]) throws(InspectionError) -> InspectionPlan {
        try validate(inspectionID: inspectionID, sampleSize: sampleSize)
        let seed = SampleRanking.seed(noteText: checkpoint.note.text, inspectionID: inspectionID)
        var byUSCC: [String: LogScan.Member] = [:]
        var byClass = Dictionary(uniqueKeysWithValues: RiskWeights.classes.map { ($0, 0) })
        var ranked: [SampleRanking.Ranked] = []
        ranked.reserveCapacity(members.count)
        for member in members {
            byUSCC[member.uscc] = member
            byClass[member.riskClass, default: 0] += 1
            ranked.append(.init(uscc: member.uscc, key: SampleRanking.key(seed: seed, uscc: member.uscc), weight: weights.weight(of: member.riskClass)))
        }
        let sample = SampleRanking.sample(ranked, size: sampleSize).enumerated().map { offset, ranked in
            let member = byUSCC[ranked.uscc]!
            return Sampled(rank: offset + 1, uscc: member.uscc, name: member.name, riskClass: member.riskClass, weight: ranked.weight, key: ranked.key)
        }
        return InspectionPlan(checkpointText: checkpoint.text, checkpoint: checkpoint.checkpoint, inspectionID: inspectionID, sampleSize: sampleSize,
                              weights: weights, seed: seed, populationByClass: byClass, sample: sample)
    }

    static func validate(inspectionID: String, sampleSize: Int) throws(InspectionError) {
        guard !inspectionID.isEmpty, inspectionID.utf8.count <= 200, !inspectionID.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw InspectionError(.usage, "the inspection id must be 1–200 bytes of text without control characters",
                                  hint: "use the inspection task's number, e.g. --inspection-id 2026-HQ-INSP-017")
        }
        guard sampleSize > 0, sampleSize <= 100_000 else {
            throw InspectionError(.usage, "the sample size \(sampleSize) is not between 1 and 100000", hint: "give --size N, the number of entities to inspect")
        }
    }

    // MARK: JSON

    public var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("checkpoint", .string(checkpointText)),
            .init("origin", .string(checkpoint.origin)),
            .init("tree_size", .number(Double(checkpoint.size))),
            .init("root", .string(checkpoint.root.base64)),
            .init("suite", .string((checkpoint.suite ?? .sha256Ed25519).rawValue)),
            .init("inspection_id", .string(inspectionID)),
            .init("sample_size", .number(Double(sampleSize))),
            .init("weights", .object(RiskWeights.classes.map { .init($0, .number(Double(weights.weight(of: $0)))) })),
            .init("seed", .string(seed.hex)),
            .init("population", .object([
                .init("entities", .number(Double(population))),
                .init("by_class", .object(RiskWeights.classes.map { .init($0, .number(Double(populationByClass[$0] ?? 0))) })),
                .init("total_weight", .number(Double(totalWeight))),
            ])),
            .init("sample", .array(sample.map { entry in
                .object([
                    .init("rank", .number(Double(entry.rank))),
                    .init("uscc", .string(entry.uscc)),
                    .init("name", .string(entry.name)),
                    .init("risk_class", .string(entry.riskClass)),
                    .init("weight", .number(Double(entry.weight))),
                    .init("key", .string(String(entry.key, radix: 16).leftPadded(to: 16))),
                ])
            })),
        ])
    }

    public var canonicalBytes: [UInt8] { CanonicalJSON.encode(json) }

    /// Reads a plan's inputs and sample back. Checks shape only: trust comes from drawing it
    /// again (`BundleVerifier`, `inspect bundle`).
    public init(json value: JSONValue) throws {
        let reader = JSONReader(value: value, what: "plan")
        guard try reader.string("format") == Self.format else {
            throw InspectionError(.malformed, "not a \(Self.format) document", hint: "give the plan.json that `creditsync inspect plan` wrote")
        }
        checkpointText = try reader.string("checkpoint")
        do {
            checkpoint = try UnverifiedCheckpoint(parsing: checkpointText).checkpoint
        } catch {
            throw InspectionError(.malformed, "the plan's checkpoint is not a signed checkpoint: \(error.message)", hint: "the plan file is damaged")
        }
        inspectionID = try reader.string("inspection_id")
        sampleSize = Int(try reader.integer("sample_size"))
        let weightsObject = try reader.object("weights")
        weights = try RiskWeights(parsing: try RiskWeights.classes.map { "\($0)=\(try weightsObject.integer($0))" }.joined(separator: ","))
        guard let seed = [UInt8](hex: try reader.string("seed")), seed.count == 32 else {
            throw InspectionError(.malformed, "the plan's seed is not 64 hex digits", hint: "the plan file is damaged")
        }
        self.seed = seed
        let byClass = try reader.object("population").object("by_class")
        populationByClass = Dictionary(uniqueKeysWithValues: try RiskWeights.classes.map { ($0, Int(try byClass.integer($0))) })
        sample = try reader.array("sample").map { item in
            guard let key = UInt64(try item.string("key"), radix: 16) else {
                throw InspectionError(.malformed, "a sampled entity's key is not 16 hex digits", hint: "the plan file is damaged")
            }
            return Sampled(rank: Int(try item.integer("rank")), uscc: try item.string("uscc"), name: try item.string("name"),
                           riskClass: try item.string("risk_class"), weight: try item.integer("weight"), key: key)
        }
        // Members derived from the others (origin, tree size, root, suite, totals) must agree
        // with them: the plan reads back to exactly what it says.
        guard CanonicalJSON.encode(value) == canonicalBytes else {
            throw InspectionError(.malformed, "the plan's members disagree with each other (its origin, tree size, root, suite or totals are not those of its checkpoint and population)",
                                  hint: "the plan file was edited; draw it again with `creditsync inspect plan`")
        }
    }

    init(checkpointText: String, checkpoint: Checkpoint, inspectionID: String, sampleSize: Int, weights: RiskWeights, seed: [UInt8],
         populationByClass: [String: Int], sample: [Sampled]) {
        self.checkpointText = checkpointText
        self.checkpoint = checkpoint
        self.inspectionID = inspectionID
        self.sampleSize = sampleSize
        self.weights = weights
        self.seed = seed
        self.populationByClass = populationByClass
        self.sample = sample
    }

    /// The first thing in which `other` (a plan drawn again) differs from this one, for an
    /// error that names it; nil if they are the same.
    public func difference(from other: InspectionPlan) -> String? {
        if checkpointText != other.checkpointText { return "the checkpoint" }
        if inspectionID != other.inspectionID { return "the inspection id" }
        if seed != other.seed { return "the seed (it is not SHA-256 of the checkpoint and the inspection id)" }
        if weights != other.weights { return "the weights" }
        if sampleSize != other.sampleSize { return "the sample size" }
        if populationByClass != other.populationByClass {
            return "the population: \(describe(populationByClass)) in the plan, \(describe(other.populationByClass)) in the log"
        }
        for (mine, theirs) in zip(sample, other.sample) where mine != theirs {
            return "rank \(mine.rank): \(mine.uscc) \(mine.name) (\(mine.riskClass)) in the plan, \(theirs.uscc) \(theirs.name) (\(theirs.riskClass)) drawn from the log"
        }
        if sample.count != other.sample.count { return "the sample has \(sample.count) entities, the log gives \(other.sample.count)" }
        return nil
    }

    func describe(_ byClass: [String: Int]) -> String {
        RiskWeights.classes.map { "\($0) \(byClass[$0] ?? 0)" }.joined(separator: ", ")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
