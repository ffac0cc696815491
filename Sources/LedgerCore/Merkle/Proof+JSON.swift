/// The JSON forms of DESIGN §4, hashes in standard padded base64, emitted canonically (RFC 8785).
extension InclusionProof {
    public var json: JSONValue {
        .object([
            .init("leaf_index", .number(Double(leafIndex))),
            .init("tree_size", .number(Double(treeSize))),
            .init("leaf_hash", .string(leafHash.base64)),
            .init("hashes", .array(hashes.map { .string($0.base64) })),
        ])
    }

    public var jsonText: String { String(decoding: CanonicalJSON.encode(json), as: UTF8.self) }

    public init(json text: some Collection<UInt8>) throws(LedgerCoreError) {
        let value = try JSONParser.parse(text)
        self.init(
            leafIndex: try ProofJSON.size(value, "leaf_index"),
            treeSize: try ProofJSON.size(value, "tree_size"),
            leafHash: try ProofJSON.hash(value["leaf_hash"], "leaf_hash"),
            hashes: try ProofJSON.hashes(value)
        )
    }
}

extension ConsistencyProof {
    public var json: JSONValue {
        .object([
            .init("old_size", .number(Double(oldSize))),
            .init("new_size", .number(Double(newSize))),
            .init("hashes", .array(hashes.map { .string($0.base64) })),
        ])
    }

    public var jsonText: String { String(decoding: CanonicalJSON.encode(json), as: UTF8.self) }

    public init(json text: some Collection<UInt8>) throws(LedgerCoreError) {
        let value = try JSONParser.parse(text)
        self.init(
            oldSize: try ProofJSON.size(value, "old_size"),
            newSize: try ProofJSON.size(value, "new_size"),
            hashes: try ProofJSON.hashes(value)
        )
    }
}

enum ProofJSON {
    static func size(_ value: JSONValue, _ key: String) throws(LedgerCoreError) -> UInt64 {
        guard case .number(let n)? = value[key], n >= 0, n <= 9_007_199_254_740_992, n == n.rounded() else {
            throw LedgerCoreError(.malformedProof, "proof field \(key) must be a non-negative integer")
        }
        return UInt64(n)
    }

    static func hash(_ value: JSONValue?, _ key: String) throws(LedgerCoreError) -> Hash {
        guard let text = value?.stringValue, let hash = Hash(base64: text) else {
            throw LedgerCoreError(.malformedProof, "proof field \(key) must be a base64 32-byte hash")
        }
        return hash
    }

    static func hashes(_ value: JSONValue) throws(LedgerCoreError) -> [Hash] {
        guard case .array(let items)? = value["hashes"], items.count <= 64 else {
            throw LedgerCoreError(.malformedProof, "proof field hashes must be an array of at most 64 hashes")
        }
        var result: [Hash] = []
        for item in items { result.append(try hash(item, "hashes")) }
        return result
    }
}
