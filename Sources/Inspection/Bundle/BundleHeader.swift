import LedgerCore

/// The first line of a bundle: the plan, the keys that verify its checkpoint, HQ's receipts,
/// and how many record and log lines follow.
struct BundleHeader: Equatable {
    static let format = "creditsync/inspection-bundle/v2"

    struct LogKey: Equatable {
        var verifierKey: String
        var fromSize: UInt64
    }

    /// The newest checkpoint HQ cosigned when the bundle was made (the plan's, or a later one),
    /// and the consistency proof from the plan's checkpoint to it: the sampled log is a prefix of
    /// the one HQ vouches for.
    struct Latest: Equatable {
        var checkpoint: String
        var consistency: [String]
    }

    /// An HQ receipt: a cosignature line of the latest checkpoint, and the key that made it.
    struct Receipt: Equatable {
        var cosignerKey: String
        var signature: String
    }

    var plan: InspectionPlan
    var logKeys: [LogKey]
    var latest: Latest
    var receipts: [Receipt]
    var records: UInt64
    var entries: UInt64
    /// The size of HQ's central register of the province the `central` members were read at;
    /// nil when the bundle was made without it (from a province's own ledger).
    var registerSize: UInt64?

    var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("plan", plan.json),
            .init("log_keys", .array(logKeys.map { .object([.init("verifier_key", .string($0.verifierKey)), .init("from_size", .number(Double($0.fromSize)))]) })),
            .init("latest", .object([.init("checkpoint", .string(latest.checkpoint)), .init("consistency", .array(latest.consistency.map { .string($0) }))])),
            .init("receipts", .array(receipts.map { .object([.init("cosigner_key", .string($0.cosignerKey)), .init("signature", .string($0.signature))]) })),
            .init("records", .number(Double(records))),
            .init("entries", .number(Double(entries))),
            .init("register_size", registerSize.map { .number(Double($0)) } ?? .null),
        ])
    }

    init(plan: InspectionPlan, logKeys: [LogKey], latest: Latest, receipts: [Receipt], records: UInt64, entries: UInt64, registerSize: UInt64?) {
        self.registerSize = registerSize
        self.plan = plan
        self.logKeys = logKeys
        self.latest = latest
        self.receipts = receipts
        self.records = records
        self.entries = entries
    }

    init(json value: JSONValue) throws {
        let reader = JSONReader(value: value, what: "bundle header")
        guard try reader.string("format") == Self.format else {
            throw InspectionError(.malformed, "not a \(Self.format) file", hint: "give the file `creditsync inspect bundle` wrote")
        }
        plan = try InspectionPlan(json: try reader.member("plan"))
        logKeys = try reader.array("log_keys").map { LogKey(verifierKey: try $0.string("verifier_key"), fromSize: try $0.integer("from_size")) }
        let latest = try reader.object("latest")
        self.latest = Latest(checkpoint: try latest.string("checkpoint"), consistency: try latest.array("consistency").map { item throws(InspectionError) in
            guard case .string(let hash) = item.value else { throw item.malformed("holds a hash that is not a string") }
            return hash
        })
        receipts = try reader.array("receipts").map { Receipt(cosignerKey: try $0.string("cosigner_key"), signature: try $0.string("signature")) }
        records = try reader.integer("records")
        entries = try reader.integer("entries")
        registerSize = try reader.member("register_size") == .null ? nil : try reader.integer("register_size")
    }
}
