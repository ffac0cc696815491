public import HQStorage
public import LedgerCore

/// HQ's mirror of a province as the inspection's log.
public struct MirrorLog: InspectedLog {
    public let mirror: any MirrorStore
    let keys: LogKeyHistory
    let province: String
    let register: (any RegisterStore)?

    /// `register`: HQ's central register, whose records of the sample go in the bundle.
    public init(mirror: any MirrorStore, keys: LogKeyHistory, province: String = "", register: (any RegisterStore)? = nil) {
        self.mirror = mirror
        self.keys = keys
        self.province = province
        self.register = register
    }

    public var suite: Suite { mirror.suite }
    public func keyHistory() async throws -> LogKeyHistory { keys }
    public func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] { try await mirror.entries(from: start, to: end) }
    public func root(size: UInt64) async throws -> Hash { try await mirror.root(size: size) }
    public func inclusionProof(index: UInt64, treeSize: UInt64) async throws -> InclusionProof {
        try await mirror.inclusionProof(index: index, treeSize: treeSize)
    }
    public func receipts(size: UInt64) async throws -> [NoteSignature] { try await mirror.receipts(size: size).map(\.signature) }
    public func cosignedSizes() async throws -> [UInt64] { try await mirror.receipts(size: nil).map(\.size) }
    public func checkpointText(size: UInt64) async throws -> String? { try await mirror.checkpoint(size: size)?.note }
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof {
        try await mirror.consistencyProof(from: oldSize, to: newSize)
    }

    /// The central register's records of `keys` at its current size; nil when HQ has imported
    /// no register of the province (then the first comparison is not made, rather than every
    /// record reading as missing centrally).
    public func centralRecords(keys: Set<[UInt8]>) async throws -> (size: UInt64, records: [[UInt8]: [UInt8]])? {
        guard let register else { return nil }
        let size = try await register.size(province: province)
        guard size > 0 else { return nil }
        return (size, try await CentralRegister.records(register, province: province, size: size, keys: keys))
    }
}

/// Reading the central register for an inspection.
public enum CentralRegister {
    /// One pass over the register's state at `size` in key order, keeping the keys asked for
    /// (`RecordKey.bytes`; a hash join: memory follows the sample, not the register).
    public static func records(_ register: any RegisterStore, province: String, size: UInt64, keys: Set<[UInt8]>) async throws -> [[UInt8]: [UInt8]] {
        var found: [[UInt8]: [UInt8]] = [:]
        var after: StateKey?
        while found.count < keys.count {
            let page = try await register.state(province: province, size: size, after: after, limit: 4_096)
            for entry in page {
                let key = RecordKey.bytes(entry.key.category, entry.key.id)
                if keys.contains(key) { found[key] = entry.data }
            }
            guard let last = page.last, page.count == 4_096 else { break }
            after = last.key
        }
        return found
    }
}
