import Foundation
import LedgerCore
import LedgerStore
import Logging
import SyncProtocol

/// One province's mirror at HQ. An actor: checkpoint decisions are taken and stored atomically,
/// one upload runs at a time, commits are serialized.
actor MirrorService {
    let province: String
    let store: LedgerStore
    let cosigner: Cosigner
    let registry: HQRegistry
    let metrics: HQMetrics
    let logger: Logger
    private var uploading = false

    init(province: String, store: LedgerStore, cosigner: Cosigner, registry: HQRegistry, metrics: HQMetrics, logger: Logger) {
        self.province = province
        self.store = store
        self.cosigner = cosigner
        self.registry = registry
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "province"] = "\(province)"
        self.logger = logger
    }

    var hasher: TreeHasher { store.suite.treeHasher }

    func mirrorInfo() throws -> MirrorInfo {
        let status = try store.mirrorStatus()
        return MirrorInfo(pendingSize: status.pendingSize, nextEntry: status.nextEntry)
    }

    /// What HQ has of this log: the mirror checkpoint with HQ's receipt appended.
    func state() throws -> LogState {
        let status = try store.mirrorStatus()
        var text: String?
        if let complete = status.complete {
            let receipts = try store.receipts(size: complete.size).filter { $0.cosigner == cosigner.name }.map(\.signature)
            text = complete.adding(receipts).text
        }
        return LogState(province: province, origin: store.metadata.origin, suite: store.suite.id.rawValue, checkpoint: text,
                        size: status.size, pendingSize: status.pendingSize, nextEntry: status.nextEntry, hqCosigner: cosigner.verifierKey)
    }

    // MARK: - add-checkpoint

    /// Takes a signed checkpoint that should extend what HQ holds (C2SP tlog-witness semantics).
    func addCheckpoint(_ request: AddCheckpointRequest, now: Date) async throws -> MirrorInfo {
        let unverified: UnverifiedCheckpoint
        do {
            unverified = try UnverifiedCheckpoint(parsing: request.checkpoint)
        } catch {
            throw HQError(.badRequest, "the checkpoint is malformed: \(error.message)", hint: error.hint)
        }
        let incoming: VerifiedCheckpoint
        do {
            incoming = try unverified.verify(logKey: store.logVerifier, suite: store.suite.id)
        } catch {
            metrics.verifyFailure(province: province, kind: "signature")
            logger.warning("refused a checkpoint with a bad signature", metadata: ["reason": "\(error.message)"])
            try await registry.recordEvent(province: province, kind: .checkpoint, outcome: "bad-signature", detail: error.message, at: now)
            throw HQError(.signatureInvalid, "the checkpoint is not signed by the key enrolled for \(province): \(error.message)",
                          hint: "sign with the ledger's own key; HQ's enrolment holds \(store.metadata.verifierKey)")
        }
        let status = try store.mirrorStatus()
        let knownRoot = try store.knownRoot(size: incoming.size)
        let decision = CheckpointArbiter.decide(latest: status.pending?.checkpoint, oldSize: request.oldSize, proof: request.proof,
                                                incoming: incoming.checkpoint, knownRoot: knownRoot, hasher: hasher)
        let info = MirrorInfo(pendingSize: status.pendingSize, nextEntry: status.nextEntry)
        switch decision {
        case .accept:
            try await store.addPendingCheckpoint(incoming, now: now)
            try await registry.recordEvent(province: province, kind: .checkpoint, outcome: "accepted", size: incoming.size, at: now)
            logger.info("accepted checkpoint", metadata: ["size": "\(incoming.size)"])
            metrics.pending(province: province, entries: incoming.size - status.nextEntry)
            return MirrorInfo(pendingSize: incoming.size, nextEntry: status.nextEntry)
        case .alreadyKnown:
            return info
        case .conflict(let current):
            throw HQError(.conflict, "HQ's latest checkpoint of \(province) has size \(current), not \(request.oldSize)",
                          hint: "send a consistency proof from size \(current)", mirror: info)
        case .stale(let current):
            try await registry.recordEvent(province: province, kind: .checkpoint, outcome: "stale", size: incoming.size, at: now)
            logger.warning("refused a stale checkpoint", metadata: ["size": "\(incoming.size)", "current": "\(current)"])
            throw HQError(.conflict, "the checkpoint of size \(incoming.size) is older than HQ's latest (\(current)); nothing changed",
                          hint: "sync from the ledger's latest checkpoint", mirror: info)
        case .fork(let reason):
            let held = try store.checkpoint(size: incoming.size) ?? status.pending
            try await registry.recordFork(.init(province: province, detectedAt: now, reason: reason, heldCheckpoint: held?.text,
                                                submittedCheckpoint: incoming.text,
                                                proof: request.proof.isEmpty ? nil : request.proof.map(\.base64).joined(separator: "\n")))
            metrics.fork(province: province)
            logger.error("FORK: refused a checkpoint that contradicts what HQ holds", metadata: ["reason": "\(reason)", "size": "\(incoming.size)"])
            throw HQError(.fork, "fork detected for \(province): \(reason); both checkpoints are kept as evidence",
                          hint: "an operator must investigate: the province log was rewritten, or its key misused", mirror: info)
        case .badRequest(let message):
            throw HQError(.badRequest, message, hint: "see Protocol/sync.md, add-checkpoint")
        }
    }

    // MARK: - Uploads

    /// Starts an upload of [start, end): `end` must be the size of a signed checkpoint HQ holds
    /// and `start` HQ's next entry. Returns a verifier seeded with the stored frontier.
    func beginUpload(start: UInt64, end: UInt64) throws -> PackageVerifier {
        let status = try store.mirrorStatus()
        let info = MirrorInfo(pendingSize: status.pendingSize, nextEntry: status.nextEntry)
        guard !uploading else {
            throw HQError(.uploadInProgress, "another upload for \(province) is in progress", hint: "retry in a moment", mirror: info)
        }
        guard let target = try store.checkpoint(size: end), end >= status.nextEntry else {
            throw HQError(.conflict, "HQ holds no signed checkpoint of size \(end) ahead of its next entry \(status.nextEntry)",
                          hint: "submit the checkpoint first (POST …/checkpoint), then upload up to its size", mirror: info)
        }
        guard start == status.nextEntry else {
            throw HQError(.conflict, "the upload starts at \(start), HQ's next entry is \(status.nextEntry)",
                          hint: "resume from next_entry", mirror: info)
        }
        uploading = true
        return PackageVerifier(frontier: try store.frontier(), target: target.checkpoint, hasher: hasher)
    }

    func endUpload() {
        uploading = false
    }

    /// Commits verified entries; `root` is the verified root at their end.
    func commit(_ records: [PreparedEntry], root: Hash) async throws {
        try await store.appendMirrored(records, expectedRoot: root)
    }

    /// Issues (or returns) HQ's receipt for the checkpoint of `size`, once every entry is stored.
    func receipt(size: UInt64, now: Date) async throws -> NoteSignature {
        guard let checkpoint = try store.checkpoint(size: size), try store.mirrorStatus().nextEntry >= size else {
            throw HQError(.conflict, "HQ does not hold all entries up to \(size) yet", hint: "upload the missing entries", mirror: try mirrorInfo())
        }
        if let existing = try store.receipts(size: size).first(where: { $0.cosigner == cosigner.name && $0.keyID == cosigner.keyID }) {
            return existing.signature
        }
        let time = UInt64(now.timeIntervalSince1970)
        let signature = try cosigner.cosign(checkpoint.checkpoint, time: time)
        try await store.storeReceipt(size: size, signature: signature, time: time)
        metrics.syncCompleted(province: province, size: size, at: now)
        metrics.pending(province: province, entries: (try store.mirrorStatus().pendingSize) - size)
        logger.info("cosigned checkpoint", metadata: ["size": "\(size)"])
        return signature
    }
}
