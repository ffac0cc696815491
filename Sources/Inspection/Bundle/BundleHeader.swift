import LedgerCore

/// The first line of a bundle: the plan, the keys that verify its checkpoint, HQ's receipts,
/// and how many record and log lines follow.
struct BundleHeader: Equatable {
    static let format = "creditsync/inspection-bundle/v1"

    struct LogKey: Equatable {
        var verifierKey: String
        var fromSize: UInt64
    }

    /// An HQ receipt: a cosignature line of the checkpoint, and the key that made it.
    struct Receipt: Equatable {
        var cosignerKey: String
        var signature: String
    }

    var plan: InspectionPlan
    var logKeys: [LogKey]
    var receipts: [Receipt]
    var records: UInt64
    var entries: UInt64

    var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("plan", plan.json),
            .init("log_keys", .array(logKeys.map { .object([.init("verifier_key", .string($0.verifierKey)), .init("from_size", .number(Double($0.fromSize)))]) })),
            .init("receipts", .array(receipts.map { .object([.init("cosigner_key", .string($0.cosignerKey)), .init("signature", .string($0.signature))]) })),
            .init("records", .number(Double(records))),
            .init("entries", .number(Double(entries))),
        ])
    }

    init(plan: InspectionPlan, logKeys: [LogKey], receipts: [Receipt], records: UInt64, entries: UInt64) {
        self.plan = plan
        self.logKeys = logKeys
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
        receipts = try reader.array("receipts").map { Receipt(cosignerKey: try $0.string("cosigner_key"), signature: try $0.string("signature")) }
        records = try reader.integer("records")
        entries = try reader.integer("entries")
    }
}
