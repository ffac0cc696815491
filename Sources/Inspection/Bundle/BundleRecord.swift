public import LedgerCore

/// One sampled record in a bundle, in the plan's order: the entry's exact bytes, its inclusion
/// proof against the plan's checkpoint, the same proof as a C2SP tlog-proof, and the central
/// register's current record of the same key when the bundle was made at HQ (for the first of
/// the three comparisons).
public struct BundleRecord: Sendable, Equatable {
    public var stratum: String
    public var rank: Int
    public var uscc: String
    public var category: String
    public var id: String
    public var index: UInt64
    /// The entry's canonical bytes (what the leaf hash covers).
    public var entry: [UInt8]
    public var proof: InclusionProof
    public var tlogProof: String
    /// The central register's current record of this key (canonical bytes); nil when the
    /// register has none or the bundle was made without HQ's register.
    public var central: [UInt8]?

    public init(_ item: StratifiedSample.Item, entry: [UInt8], proof: InclusionProof, checkpointText: String, central: [UInt8]?) {
        stratum = item.stratum
        rank = item.rank
        uscc = item.uscc
        category = item.category
        id = item.id
        index = item.index
        self.entry = entry
        self.proof = proof
        tlogProof = TLogProof(index: item.index, hashes: proof.hashes, checkpoint: checkpointText).text
        self.central = central
    }

    /// The entry parsed (it is a change record: the verifier checked its leaf hash).
    public var value: JSONValue { (try? JSONParser.parse(entry)) ?? .null }
    public var centralValue: JSONValue? { central.flatMap { try? JSONParser.parse($0) } }

    var json: JSONValue {
        .object([
            .init("stratum", .string(stratum)),
            .init("rank", .number(Double(rank))),
            .init("uscc", .string(uscc)),
            .init("category", .string(category)),
            .init("id", .string(id)),
            .init("index", .number(Double(index))),
            .init("entry", .string(String(decoding: entry, as: UTF8.self))),
            .init("proof", proof.json),
            .init("tlog_proof", .string(tlogProof)),
            .init("central", central.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
        ])
    }

    init(json value: JSONValue) throws {
        let reader = JSONReader(value: value, what: "bundle record")
        stratum = try reader.string("stratum")
        rank = Int(try reader.integer("rank"))
        uscc = try reader.string("uscc")
        category = try reader.string("category")
        id = try reader.string("id")
        index = try reader.integer("index")
        entry = Array(try reader.string("entry").utf8)
        do {
            proof = try InclusionProof(json: CanonicalJSON.encode(try reader.member("proof")))
        } catch let error as LedgerCoreError {
            throw reader.malformed("proof is not an inclusion proof: \(error.message)")
        }
        tlogProof = try reader.string("tlog_proof")
        central = try reader.optionalString("central").map { Array($0.utf8) }
    }
}
