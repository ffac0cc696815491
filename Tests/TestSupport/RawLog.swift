import Foundation
public import LedgerCore
public import Mirroring
import SyncProtocol

/// A province log built by hand (entries, tree, signed checkpoints, upload bodies), for logs a
/// `ProvinceLedger` never writes: one that repeats a change_id, or branches of one log.
public struct RawLog: Sendable {
    public let signer: any NoteSigner
    public let suite: Suite
    public let province: String
    public private(set) var entries: [[UInt8]] = []
    public private(set) var tree: InMemoryMerkleTree

    public init(province: String = "440000", suite: Suite = .sha256Ed25519, signer: (any NoteSigner)? = nil) throws {
        self.province = province
        self.suite = suite
        self.signer = try signer ?? suite.signatures.generateKey(name: "creditsync.samr/province/\(province)").signer
        tree = InMemoryMerkleTree(hasher: suite.treeHasher)
    }

    /// A branch of `log`: its first `prefix` entries, signed by the same key.
    public init(sharing log: RawLog, prefix: UInt64) {
        self.province = log.province
        self.suite = log.suite
        self.signer = log.signer
        tree = InMemoryMerkleTree(hasher: log.suite.treeHasher)
        for entry in log.entries.prefix(Int(prefix)) {
            entries.append(entry)
            tree.append(leafHash: log.suite.treeHasher.leafHash(entry))
        }
    }

    public var size: UInt64 { UInt64(entries.count) }

    public mutating func append(_ records: [ChangeRecord]) {
        for record in records {
            entries.append(record.canonicalBytes)
            tree.append(leafHash: suite.treeHasher.leafHash(record.canonicalBytes))
        }
    }

    public func root(_ size: UInt64) throws -> Hash {
        try MerkleProofs(hasher: suite.treeHasher).root(size: size, reader: tree)
    }

    public func checkpoint(_ size: UInt64? = nil) throws -> VerifiedCheckpoint {
        let size = size ?? self.size
        return try VerifiedCheckpoint.sign(Checkpoint(origin: signer.name, size: size, root: try root(size), suite: suite.id), with: signer)
    }

    public func consistency(from old: UInt64, to new: UInt64) throws -> [Hash] {
        try MerkleProofs(hasher: suite.treeHasher).consistencyProof(from: old, to: new, reader: tree)
    }

    /// The add-checkpoint body for the checkpoint of `size` from HQ's `old`.
    public func addCheckpointBody(old: UInt64, size: UInt64? = nil) throws -> [UInt8] {
        let checkpoint = try checkpoint(size)
        return Array(AddCheckpointRequest(oldSize: old, proof: try consistency(from: old, to: checkpoint.size), checkpoint: checkpoint.text).body.utf8)
    }

    /// The upload body of [start, end), packages and proof lines as the protocol has them.
    public func uploadBody(start: UInt64, end: UInt64) throws -> [UInt8] {
        var body: [UInt8] = []
        for range in PackagePlan(start: start, end: end) {
            for index in range { body += entries[Int(index)] + [0x0A] }
            body += ProofLine.encode(try consistency(from: range.upperBound, to: end)) + [0x0A]
        }
        return body
    }
}


extension RawLog {
    /// The verified batches of an upload of [start, end) from a mirror whose tree stops at
    /// `start` with `frontier`, as HQ's upload path makes them.
    public func verifiedBatch(start: UInt64, end: UInt64, frontier: MerkleFrontier) throws -> VerifiedBatch {
        var verifier = PackageVerifier(frontier: frontier, target: try checkpoint(end).checkpoint, hasher: suite.treeHasher)
        var decoder = UploadDecoder(start: start, end: end, province: province)
        var splitter = LineSplitter()
        var batch: VerifiedBatch?
        try splitter.feed(try uploadBody(start: start, end: end)) { line in
            guard let package = try decoder.consume(line) else { return }
            let verified = try verifier.verify(package, suite: suite)
            if batch == nil { batch = verified } else { batch!.append(verified) }
        }
        guard let batch else { throw VectorError("no package in \(start)..<\(end)") }
        return batch
    }
}
