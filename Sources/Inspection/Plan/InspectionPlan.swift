public import LedgerCore

/// A drawn sample and everything it was drawn from (`plan.json`, Protocol/inspection.md §2): the
/// notice HQ put in the province's feed (with the proof that it is there), the draw point (the
/// province's acknowledgement of it in its own log), the signed checkpoint that holds the draw
/// point, the revealed secret, and the sample. `draw` is the only way to make one; a bundle's
/// verifier draws it again from the log and requires the same bytes.
public struct InspectionPlan: Sendable, Equatable {
    public static let format = "creditsync/inspection-plan/v2"

    /// Where the notice is in HQ's feed (verified against trusted keys by `DrawOrder`).
    public struct Evidence: Sendable, Equatable {
        /// The notice's index in the province's feed.
        public var noticeIndex: UInt64
        /// HQ's signed feed checkpoint the province acknowledged at the draw point, which holds
        /// the notice.
        public var feedCheckpoint: String
        /// The notice's inclusion proof in that checkpoint.
        public var noticeProof: [Hash]

        public init(noticeIndex: UInt64, feedCheckpoint: String, noticeProof: [Hash]) {
            self.noticeIndex = noticeIndex
            self.feedCheckpoint = feedCheckpoint
            self.noticeProof = noticeProof
        }
    }

    public var notice: InspectionNotice
    public var noticeBytes: [UInt8]
    public var evidence: Evidence
    /// The draw point: the province's acknowledgement of the notice in its log (derived).
    public var point: DrawScan.DrawPoint
    /// The signed checkpoint of the province's log that holds the draw point, verbatim as given.
    public var checkpointText: String
    public var checkpoint: Checkpoint
    public var secret: [UInt8]
    public var seed: [UInt8]
    /// Members per stratum.
    public var population: [String: Int]
    public var sample: [StratifiedSample.Item]

    public var inspectionID: String { notice.inspectionID }

    /// Draws the sample at the draw point `scan` found in the log up to `checkpoint`, after
    /// checking that `secret` is the one the notice committed to. The records' entities are named
    /// after, from their entries (`name(from:)`).
    public static func draw(noticeBytes: [UInt8], evidence: Evidence, checkpoint: VerifiedCheckpoint, secret: [UInt8],
                            scan: DrawScan) throws -> InspectionPlan {
        let notice = try InspectionNotice(entry: noticeBytes)
        guard secret.count == 32, InspectionNotice.commitment(secret: secret) == notice.commitment else {
            throw InspectionError(.verification, "the revealed secret does not match the notice's commitment \(notice.commitment.prefix(16))…",
                                  hint: "give the secret file `inspect announce` wrote for inspection \(notice.inspectionID)")
        }
        guard let point = scan.point else {
            throw InspectionError(.order, "the log of \(checkpoint.checkpoint.origin) up to size \(checkpoint.size) holds no acknowledgement of the notice of inspection \(notice.inspectionID) (the central_risk_ack of the delivery that brought feed entry \(evidence.noticeIndex), up to a feed checkpoint HQ signed, with the province's nonce)",
                                  hint: "the province has not applied the notice yet: wait for its next sync, or draw at a later checkpoint")
        }
        let seed = StratifiedSample.seed(notice: noticeBytes, secret: secret, noteText: DrawScan.noteText(origin: checkpoint.checkpoint.origin, point: point))
        var selection = StratifiedSample.Selection(notice: notice, seed: seed)
        try scan.population.forEachMember { selection.add($0) }
        let (sample, population) = selection.result()
        return InspectionPlan(notice: notice, noticeBytes: noticeBytes, evidence: evidence, point: point, checkpointText: checkpoint.text,
                              checkpoint: checkpoint.checkpoint, secret: secret, seed: seed, population: population, sample: sample)
    }

    /// Names each drawn record's entity from its entry (`entries` by log index).
    public mutating func name(from entries: [UInt64: [UInt8]]) {
        for offset in sample.indices {
            (sample[offset].uscc, sample[offset].name) = Self.entity(of: entries[sample[offset].index] ?? [])
        }
    }

    /// The entity a record's entry names: `entity.uscc` and `entity.name` ("" when absent).
    public static func entity(of entry: [UInt8]) -> (uscc: String, name: String) {
        let value = try? JSONParser.parse(entry)
        return (value?["entity"]?["uscc"]?.stringValue ?? "", value?["entity"]?["name"]?.stringValue ?? "")
    }

    static func validate(inspectionID: String) throws(InspectionError) {
        guard !inspectionID.isEmpty, inspectionID.utf8.count <= 200, !inspectionID.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw InspectionError(.usage, "the inspection id must be 1–200 bytes of text without control characters",
                                  hint: "use the inspection task's number, e.g. --inspection-id 2026-HQ-INSP-017")
        }
    }

    // MARK: JSON

    public var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("inspection_id", .string(inspectionID)),
            .init("notice", .string(String(decoding: noticeBytes, as: UTF8.self))),
            .init("notice_index", .number(Double(evidence.noticeIndex))),
            .init("feed_checkpoint", .string(evidence.feedCheckpoint)),
            .init("notice_proof", .array(evidence.noticeProof.map { .string($0.base64) })),
            .init("draw", .object([
                .init("size", .number(Double(point.size))),
                .init("root", .string(point.root.base64)),
                .init("feed_size", .number(Double(point.feedSize))),
                .init("feed_root", .string(point.feedRoot)),
                .init("nonce", .string(point.nonce)),
            ])),
            .init("checkpoint", .string(checkpointText)),
            .init("origin", .string(checkpoint.origin)),
            .init("tree_size", .number(Double(checkpoint.size))),
            .init("root", .string(checkpoint.root.base64)),
            .init("suite", .string((checkpoint.suite ?? .sha256Ed25519).rawValue)),
            .init("secret", .string(secret.hex)),
            .init("seed", .string(seed.hex)),
            .init("population", .object(notice.strata.map { .init($0.name, .number(Double(population[$0.name] ?? 0))) })),
            .init("sample", .array(sample.map { item in
                .object([
                    .init("stratum", .string(item.stratum)),
                    .init("rank", .number(Double(item.rank))),
                    .init("category", .string(item.category)),
                    .init("id", .string(item.id)),
                    .init("index", .number(Double(item.index))),
                    .init("key", .string(String(item.key, radix: 16).leftPadded(to: 16))),
                    .init("uscc", .string(item.uscc)),
                    .init("name", .string(item.name)),
                ])
            })),
        ])
    }

    public var canonicalBytes: [UInt8] { CanonicalJSON.encode(json) }

    /// Reads a plan back. Checks shape and that its derived members agree; trust comes from
    /// `DrawOrder` and from drawing it again (`BundleVerifier`, `inspect bundle`).
    public init(json value: JSONValue) throws {
        let reader = JSONReader(value: value, what: "plan")
        guard try reader.string("format") == Self.format else {
            throw InspectionError(.malformed, "not a \(Self.format) document", hint: "give the plan.json that `creditsync inspect plan` wrote")
        }
        noticeBytes = Array(try reader.string("notice").utf8)
        notice = try InspectionNotice(entry: noticeBytes)
        let proof = try reader.array("notice_proof").map { item throws(InspectionError) -> Hash in
            guard case .string(let text) = item.value, let hash = Hash(base64: text) else { throw item.malformed("holds a hash that is not base64") }
            return hash
        }
        evidence = Evidence(noticeIndex: try reader.integer("notice_index"), feedCheckpoint: try reader.string("feed_checkpoint"), noticeProof: proof)
        let draw = try reader.object("draw")
        guard let drawRoot = Hash(base64: try draw.string("root")) else { throw draw.malformed("root is not a base64 hash") }
        point = DrawScan.DrawPoint(size: try draw.integer("size"), root: drawRoot, feedSize: try draw.integer("feed_size"),
                                   feedRoot: try draw.string("feed_root"), nonce: try draw.string("nonce"))
        checkpointText = try reader.string("checkpoint")
        do {
            checkpoint = try UnverifiedCheckpoint(parsing: checkpointText).checkpoint
        } catch {
            throw InspectionError(.malformed, "the plan's checkpoint is not a signed checkpoint: \(error.message)", hint: "the plan file is damaged")
        }
        guard let secret = [UInt8](hex: try reader.string("secret")), secret.count == 32,
              let seed = [UInt8](hex: try reader.string("seed")), seed.count == 32 else {
            throw InspectionError(.malformed, "the plan's secret and seed are not 64 hex digits each", hint: "the plan file is damaged")
        }
        self.secret = secret
        self.seed = seed
        let populationReader = try reader.object("population")
        var population: [String: Int] = [:]
        for stratum in notice.strata { population[stratum.name] = Int(try populationReader.integer(stratum.name)) }
        self.population = population
        sample = try reader.array("sample").map { item in
            guard let key = UInt64(try item.string("key"), radix: 16) else {
                throw InspectionError(.malformed, "a sampled record's key is not 16 hex digits", hint: "the plan file is damaged")
            }
            return StratifiedSample.Item(stratum: try item.string("stratum"), rank: Int(try item.integer("rank")), category: try item.string("category"),
                                         id: try item.string("id"), index: try item.integer("index"), key: key, uscc: try item.string("uscc"),
                                         name: try item.string("name"))
        }
        // Members derived from the others (the id, origin, tree size, root, suite) must agree.
        guard CanonicalJSON.encode(value) == canonicalBytes else {
            throw InspectionError(.malformed, "the plan's members disagree with each other (its inspection id, origin, tree size, root or suite are not those of its notice and checkpoint)",
                                  hint: "the plan file was edited; draw it again with `creditsync inspect plan`")
        }
    }

    init(notice: InspectionNotice, noticeBytes: [UInt8], evidence: Evidence, point: DrawScan.DrawPoint, checkpointText: String, checkpoint: Checkpoint,
         secret: [UInt8], seed: [UInt8], population: [String: Int], sample: [StratifiedSample.Item]) {
        self.notice = notice
        self.noticeBytes = noticeBytes
        self.evidence = evidence
        self.point = point
        self.checkpointText = checkpointText
        self.checkpoint = checkpoint
        self.secret = secret
        self.seed = seed
        self.population = population
        self.sample = sample
    }

    /// The first thing in which `other` (a plan drawn again) differs from this one, for an
    /// error that names it; nil if they are the same.
    public func difference(from other: InspectionPlan) -> String? {
        if noticeBytes != other.noticeBytes { return "the notice" }
        if checkpointText != other.checkpointText { return "the checkpoint" }
        if point != other.point { return "the draw point (the province's acknowledgement of the notice at entry \(other.point.size - 1) of its log)" }
        if secret != other.secret { return "the secret" }
        if seed != other.seed { return "the seed (it is not SHA-256 of the notice, the secret and the draw point)" }
        if population != other.population {
            return "the population: \(describe(population)) in the plan, \(describe(other.population)) in the log"
        }
        for (mine, theirs) in zip(sample, other.sample) where mine != theirs {
            return "\(mine.stratum) rank \(mine.rank): \(mine.category) \(mine.id) (entry \(mine.index)) \(mine.name) in the plan, \(theirs.category) \(theirs.id) (entry \(theirs.index)) \(theirs.name) drawn from the log"
        }
        if sample.count != other.sample.count { return "the sample has \(sample.count) records, the log gives \(other.sample.count)" }
        if evidence != other.evidence { return "the evidence of the order" }
        return nil
    }

    func describe(_ population: [String: Int]) -> String {
        notice.strata.map { "\($0.name) \(population[$0.name] ?? 0)" }.joined(separator: ", ")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
