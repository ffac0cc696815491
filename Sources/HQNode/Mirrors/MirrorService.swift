import Foundation
import HQStorage
import LedgerCore
import Logging
import Mirroring
import NationalCrypto
import SyncProtocol

/// One province's mirror as the handlers use it: the storage's mirror, the enrolment (read per
/// request, so a rotation or revocation takes effect at once), HQ's cosigner. Holds no state of
/// its own: every per-province decision is taken by the storage inside its transactions.
struct MirrorService: Sendable {
    let store: any MirrorStore
    let enrolment: Enrolment
    let keys: LogKeyHistory
    let cosigner: HQCosigner
    let registry: any RegistryStore
    let events: EventRecorder
    let metrics: HQMetrics
    let logger: Logger

    var province: String { store.province }
    var hasher: TreeHasher { store.suite.treeHasher }

    init(store: any MirrorStore, enrolment: Enrolment, cosigner: HQCosigner, registry: any RegistryStore, events: EventRecorder,
         metrics: HQMetrics, logger: Logger) throws {
        self.store = store
        self.enrolment = enrolment
        self.keys = try enrolment.keyHistory(suite: store.suite)
        self.cosigner = cosigner
        self.registry = registry
        self.events = events
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "province"] = "\(store.province)"
        self.logger = logger
    }

    func mirrorInfo() async throws -> MirrorInfo {
        let status = try await store.status()
        return MirrorInfo(pendingSize: status.pendingSize, nextEntry: status.nextEntry)
    }

    /// What HQ has of this log: the mirror checkpoint, verified again, with HQ's receipt appended.
    func state() async throws -> LogState {
        let status = try await store.status()
        var text: String?
        if let complete = status.complete {
            let verified = try keys.verify(UnverifiedCheckpoint(parsing: complete.note), suite: store.suite.id)
            let receipts = try await store.receipts(size: complete.size).filter { $0.cosigner == cosigner.name && $0.keyID == cosigner.keyID }
            text = verified.adding(receipts.map(\.signature)).text
        }
        return LogState(province: province, origin: store.origin, suite: store.suite.id.rawValue, checkpoint: text,
                        size: status.size, pendingSize: status.pendingSize, nextEntry: status.nextEntry, hqCosigner: cosigner.verifierKey)
    }

    // MARK: - add-checkpoint

    /// Takes a signed checkpoint that should extend what HQ holds (C2SP tlog-witness semantics);
    /// the decision is taken in the storage's transaction (`MirrorStore.submitCheckpoint`).
    func addCheckpoint(_ request: AddCheckpointRequest, now: Date) async throws -> MirrorInfo {
        let incoming = try await verifySignature(request.checkpoint, now: now)
        let hasher = hasher
        let decision = try await store.submitCheckpoint(incoming, now: now) { facts in
            CheckpointArbiter.decide(facts, oldSize: request.oldSize, proof: request.proof, incoming: incoming.checkpoint, hasher: hasher)
        }
        let info = try await mirrorInfo()
        switch decision {
        case .accept:
            await events.record(SyncEvent(province: province, at: now, kind: .checkpoint, outcome: "accepted", size: incoming.size))
            logger.info("accepted checkpoint", metadata: ["size": "\(incoming.size)"])
            metrics.pending(province: province, entries: incoming.size - min(incoming.size, info.nextEntry))
            return info
        case .alreadyKnown:
            return info
        case .conflict(let current):
            await events.refusal(SyncEvent(province: province, at: now, kind: .checkpoint, outcome: "conflict", size: incoming.size, detail: incoming.text))
            throw HQError(.conflict, "HQ's latest checkpoint of \(province) has size \(current), not \(request.oldSize)",
                          hint: "send a consistency proof from size \(current)", mirror: info)
        case .stale(let current):
            await events.refusal(SyncEvent(province: province, at: now, kind: .checkpoint, outcome: "stale", size: incoming.size, detail: incoming.text))
            logger.warning("refused a stale checkpoint", metadata: ["size": "\(incoming.size)", "current": "\(current)"])
            throw HQError(.stale, "the checkpoint of size \(incoming.size) is older than HQ's latest (\(current)); nothing changed",
                          hint: "sync from the ledger's latest checkpoint; a ledger older than what it sent was restored from a backup", mirror: info)
        case .proofInvalid(let reason):
            metrics.verifyFailure(province: province, kind: "proof")
            await events.refusal(SyncEvent(province: province, at: now, kind: .checkpoint, outcome: "proof-invalid", size: incoming.size,
                                           detail: incoming.text + "\n" + request.proof.map(\.base64).joined(separator: "\n")))
            throw SyncProtocolError(.proofInvalid, reason, hint: "send the RFC 9162 consistency proof from size \(request.oldSize) computed from the ledger")
        case .fork(let reason, let held):
            try await registry.recordFork(ForkEvidence(province: province, detectedAt: now, reason: reason, heldCheckpoint: held?.note,
                                                       submittedCheckpoint: incoming.text,
                                                       proof: request.proof.isEmpty ? nil : request.proof.map(\.base64).joined(separator: "\n")))
            metrics.fork(province: province)
            logger.error("FORK: refused a checkpoint that contradicts what HQ holds", metadata: ["reason": "\(reason)", "size": "\(incoming.size)"])
            throw HQError(.fork, "fork detected for \(province): \(reason); both are kept as evidence",
                          hint: "an operator must investigate: the province log was rewritten, or its key misused", mirror: info)
        case .badRequest(let message):
            throw HQError(.badRequest, message, hint: "see Protocol/sync.md, add-checkpoint", mirror: info)
        }
    }

    /// The province's signature with the keys valid at the checkpoint's size, minus revoked ones.
    func verifySignature(_ text: String, now: Date) async throws -> VerifiedCheckpoint {
        let unverified: UnverifiedCheckpoint
        do {
            unverified = try UnverifiedCheckpoint(parsing: text)
        } catch {
            throw HQError(.badRequest, "the checkpoint is malformed: \(error.message)", hint: error.hint)
        }
        let size = unverified.checkpoint.size
        var valid: [any NoteVerifier] = []
        var revoked: [String] = []
        for key in keys.keys where keys.verifiers(forSize: size).contains(where: { $0.keyID == key.verifier.keyID && $0.name == key.verifier.name }) {
            if try await registry.isRevoked(.logKey, key.verifierKey) { revoked.append(key.verifierKey) } else { valid.append(key.verifier) }
        }
        guard !valid.isEmpty else {
            await events.refusal(SyncEvent(province: province, at: now, kind: .checkpoint, outcome: "key-revoked", size: size))
            throw HQError(.revoked, "the log key of \(province) for size \(size) is revoked (\(revoked.joined(separator: ", ")))",
                          hint: "rotate the ledger's key (`creditsync province rotate-key`) and have HQ enrol the new one")
        }
        do {
            return try unverified.verify(logKeys: valid, suite: store.suite.id)
        } catch {
            metrics.verifyFailure(province: province, kind: "signature")
            logger.warning("refused a checkpoint with a bad signature", metadata: ["reason": "\(error.message)"])
            await events.refusal(SyncEvent(province: province, at: now, kind: .checkpoint, outcome: "bad-signature", size: size, detail: error.message))
            throw HQError(.signatureInvalid, "the checkpoint is not signed by the key enrolled for \(province) at size \(size): \(error.message)",
                          hint: "sign with the ledger's own key; HQ's enrolment holds \(enrolment.verifierKey)")
        }
    }

    /// Refuses once the certificate an upload came with (`serial`, normalized) or the province's
    /// enrolled log key is revoked. An upload asks before each commit and before its receipt, so a
    /// revocation stops an upload in progress: nothing it sends afterwards is stored, and no
    /// receipt follows (Protocol/sync.md §7.4).
    func requireUnrevoked(certificate serial: String?) async throws {
        if let serial, try await registry.isRevoked(.certificate, serial) {
            throw HQError(.revoked, "the client certificate (serial \(serial)) was revoked during the upload; nothing after it is stored",
                          hint: "HQ's operators issue the province a new certificate; the next sync resumes from HQ's next entry")
        }
        if try await registry.isRevoked(.logKey, enrolment.verifierKey) {
            throw HQError(.revoked, "the log key of \(province) was revoked during the upload; nothing after it is stored and no receipt is issued",
                          hint: "rotate the ledger's key (`creditsync province rotate-key`) and have HQ enrol the new one")
        }
    }

    // MARK: - Receipts

    /// Issues (or returns) HQ's receipt for the checkpoint of `size`, once every entry is stored.
    func receipt(size: UInt64, now: Date) async throws -> NoteSignature {
        let cosigner = cosigner
        let time = UInt64(max(0, now.timeIntervalSince1970))
        let signature = try await store.receipt(size: size, cosigner: cosigner.name, keyID: cosigner.keyID, now: now) { checkpoint in
            try cosigner.cosign(checkpoint, time: time)
        }
        metrics.syncCompleted(province: province, size: size, at: now)
        return signature
    }
}
