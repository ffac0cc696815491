public import LedgerCore
public import LedgerStore

/// A signed log an inspection draws from: a province's own ledger, or HQ's mirror of it (the
/// CLI adapts HQ's storage). Reads only.
public protocol InspectedLog: Sendable {
    var suite: Suite { get }
    func keyHistory() async throws -> LogKeyHistory
    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]]
    func root(size: UInt64) async throws -> Hash
    func inclusionProof(index: UInt64, treeSize: UInt64) async throws -> InclusionProof
    /// HQ's receipts (cosignature lines) for the checkpoint of `size`.
    func receipts(size: UInt64) async throws -> [NoteSignature]
    /// The sizes of the checkpoints HQ has cosigned, newest first.
    func cosignedSizes() async throws -> [UInt64]
    /// The stored signed checkpoint of exactly `size`, verbatim.
    func checkpointText(size: UInt64) async throws -> String?
    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof
    /// The central register's current records of `keys` (`RecordKey.bytes`), with the register's
    /// size read at; nil where there is no register (a province's own ledger).
    func centralRecords(keys: Set<[UInt8]>) async throws -> (size: UInt64, records: [[UInt8]: [UInt8]])?
}

extension InspectedLog {
    public func centralRecords(keys: Set<[UInt8]>) async throws -> (size: UInt64, records: [[UInt8]: [UInt8]])? { nil }
}

/// Builds a verifier for one of HQ's cosigner keys from its verifier key string. Inspection knows
/// Ed25519 (`CosignerKeys.ed25519`); the CLI passes NationalCrypto's, which also knows SM2.
public typealias CosignerResolver = @Sendable (String) throws -> any NoteVerifier

public enum CosignerKeys {
    public static let ed25519: CosignerResolver = { try CosignatureVerifier(verifierKey: VerifierKey(parsing: $0)) }
}

/// A province ledger as the inspection's log.
public struct LedgerLog: InspectedLog {
    public let store: LedgerStore

    public init(store: LedgerStore) {
        self.store = store
    }

    public var suite: Suite { store.suite }
    public func keyHistory() async throws -> LogKeyHistory { try await store.keyHistory() }
    public func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] { try await store.entries(from: start, to: end) }
    public func root(size: UInt64) async throws -> Hash { try await store.root(size: size) }
    public func inclusionProof(index: UInt64, treeSize: UInt64) async throws -> InclusionProof {
        try await store.inclusionProof(index: index, treeSize: treeSize)
    }
    public func receipts(size: UInt64) async throws -> [NoteSignature] { try await store.receipts(size: size).map(\.signature) }
    public func cosignedSizes() async throws -> [UInt64] { try await store.receipts().map(\.size) }
    public func checkpointText(size: UInt64) async throws -> String? { try await store.checkpoint(size: size)?.text }
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof {
        try await store.consistencyProof(from: oldSize, to: newSize)
    }
}

extension InspectedLog {
    /// Reads entries [0, size) in pages of `pageSize`, in order.
    func forEachEntry(size: UInt64, pageSize: UInt64 = 4_096, _ body: ([UInt8]) throws -> Void) async throws {
        var start: UInt64 = 0
        while start < size {
            let end = min(size, start + pageSize)
            for entry in try await entries(from: start, to: end) { try body(entry) }
            start = end
        }
    }

    /// Verifies `text` as a checkpoint of this log: signed by the log's key for its size, and
    /// with the root of this log's first `size` entries.
    public func verifyCheckpoint(_ text: String) async throws -> VerifiedCheckpoint {
        let checkpoint: VerifiedCheckpoint
        do {
            checkpoint = try await keyHistory().verify(UnverifiedCheckpoint(parsing: text), suite: suite.id)
        } catch let error as LedgerCoreError {
            throw InspectionError(.checkpoint, "the checkpoint is not a valid signed checkpoint of this log: \(error.message)",
                                  hint: "give a checkpoint this log signed, e.g. from `creditsync province checkpoint`")
        }
        let entries = try await self.entries(from: checkpoint.size == 0 ? 0 : checkpoint.size - 1, to: checkpoint.size).count
        guard checkpoint.size == 0 || entries == 1 else {
            throw InspectionError(.checkpoint, "the checkpoint is of size \(checkpoint.size); this log holds fewer entries",
                                  hint: "sync the mirror first, or use a checkpoint the log has reached")
        }
        let root = try await root(size: checkpoint.size)
        guard root == checkpoint.root else {
            throw InspectionError(.checkpoint, "the checkpoint's root \(checkpoint.root.base64) is not this log's root at size \(checkpoint.size) (\(root.base64))",
                                  hint: "the checkpoint is of another log, or this copy of the log was changed: verify it")
        }
        return checkpoint
    }

    /// One pass over [0, size): the population of `notice`.
    public func scan(size: UInt64, notice: InspectionNotice) async throws -> RecordScan {
        var scan = RecordScan(notice: notice)
        try await forEachEntry(size: size) { try scan.add($0) }
        return scan
    }
}

/// A record's key as UTF-8 bytes, `category/id`: two ids Swift's `String` calls equal (é and
/// e + U+0301) are two records.
public enum RecordKey {
    public static func bytes(_ category: String, _ id: String) -> [UInt8] { Array(category.utf8) + [0x2F] + Array(id.utf8) }
}
