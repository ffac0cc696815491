public import LedgerCore

/// One current record of a sampled entity in a bundle: the entry's exact bytes, its inclusion
/// proof against the bundle's checkpoint, and the same proof as a C2SP tlog-proof.
public struct BundleRecord: Sendable, Equatable {
    public var uscc: String
    public var category: String
    public var id: String
    public var index: UInt64
    /// The entry's canonical bytes (what the leaf hash covers).
    public var entry: [UInt8]
    public var proof: InclusionProof
    public var tlogProof: String

    public init(_ ref: LogScan.RecordRef, entry: [UInt8], proof: InclusionProof, checkpointText: String) {
        uscc = ref.uscc
        category = ref.category
        id = ref.id
        index = ref.index
        self.entry = entry
        self.proof = proof
        tlogProof = TLogProof(index: ref.index, hashes: proof.hashes, checkpoint: checkpointText).text
    }

    var ref: LogScan.RecordRef { LogScan.RecordRef(uscc: uscc, category: category, id: id, index: index) }

    /// The entry parsed (it is a change record: the verifier checked its leaf hash).
    public var value: JSONValue { (try? JSONParser.parse(entry)) ?? .null }

    var json: JSONValue {
        .object([
            .init("uscc", .string(uscc)),
            .init("category", .string(category)),
            .init("id", .string(id)),
            .init("index", .number(Double(index))),
            .init("entry", .string(String(decoding: entry, as: UTF8.self))),
            .init("proof", proof.json),
            .init("tlog_proof", .string(tlogProof)),
        ])
    }

    init(json value: JSONValue) throws {
        let reader = JSONReader(value: value, what: "bundle record")
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
    }
}
