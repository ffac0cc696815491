public import Foundation
public import LedgerCore
import Mirroring

/// Everything HQ persists, behind one seam (DESIGN §5): the registry (enrolments, events, fork
/// evidence, alarms, revocations) and one mirror per enrolled province (entries, tiles,
/// checkpoints, receipts, the state projection). Two backends implement it: embedded SQLite
/// files (the default, one process) and PostgreSQL (several stateless HQ processes on one
/// database). Backends only read and write rows: tree integration (`TreeIntegration`),
/// verification (`LogVerifier`) and every decision (`CheckpointArbiter`) are shared pure code,
/// and one conformance suite runs against both.
///
/// Invariants a backend MUST keep, whatever runs concurrently in this process or another:
/// entries, checkpoints and receipts are append-only (the schema refuses UPDATE and DELETE); a
/// checkpoint is stored only by the decision taken inside the transaction that stores it; an
/// append commits only at the mirror's next entry and only if it yields the verified root; a
/// receipt is issued only for a stored checkpoint whose entries are all stored.
public protocol HQStorage: Sendable {
    /// Where the data lives, for logs and `hq status` (no secrets).
    var location: String { get }

    var registry: any RegistryStore { get }
    var register: any RegisterStore { get }
    var audits: any AuditStore { get }
    /// Central risk items waiting for a province to route them to.
    var heldRisk: any HeldRiskStore { get }

    /// Enrols a province's log key and creates its empty mirror, atomically where the backend
    /// can. Enrolling the same key again is a no-op; another key for an enrolled province is
    /// refused (keys change only by rotation).
    func enroll(province: ProvinceCode, verifierKey: String, suite: Suite, now: Date) async throws -> Enrolment

    /// The mirror of an enrolled province.
    func mirror(province: String) async throws -> any MirrorStore

    /// The feed HQ keeps for an enrolled province (DESIGN §7), created on first use with an empty
    /// tree signed by `signer`, whose key name must be `FeedOrigin.of(province:)` and whose
    /// scheme is the province's suite.
    func feed(province: String, signer: any NoteSigner) async throws -> any FeedStore

    /// The feed HQ keeps for an enrolled province, for reading (audits, a standby), without HQ's
    /// feed key; nil when HQ has not created it yet.
    func existingFeed(province: String) async throws -> (any FeedStore)?

    /// HQ's central intake log (DESIGN §7): every central item and its routing decision, logged
    /// before any feed entry, in the feed engine under the central division
    /// (`IntakeOrigin.division`, origin `IntakeOrigin.origin`, SHA-256/Ed25519), created on first use
    /// with an empty tree signed by `signer`, whose key name must be `IntakeOrigin.origin`.
    func intake(signer: any NoteSigner) async throws -> any FeedStore

    /// Runs `body` as the only push-down run (import, release, moves) of every HQ process on
    /// this storage: each run decides, logs in the intake log and acts in steps of their own, and
    /// two at once could decide one item twice. Waits while another run holds it.
    func withPushDownLock<T: Sendable>(_ body: () async throws -> T) async throws -> T

    /// The public keys HQ's processes sign with, where several processes share this storage;
    /// nil where one process serves it and its keys live beside it.
    var recordedKeys: (any RecordedKeys)? { get }

    /// Called once by a process that is about to serve provinces from this storage. Storage that
    /// one process serves refuses a second (its upload leases live in that process's memory);
    /// storage that processes share accepts every one.
    func lockForServing() throws

    /// Releases connections and files.
    func close() async throws
}

/// Where storage errors are mapped: a refusal a client caused, or a fault of HQ's storage.
public typealias HQStorageError = CodedError<HQStorageErrorCode>

public enum HQStorageErrorCode: String, ErrorCode {
    /// Another upload of this province holds its lease.
    case uploadInProgress = "storage.upload-in-progress"
    /// The compare-and-set failed: the mirror moved (an append not at the next entry).
    case conflict = "storage.conflict"
    /// Verified entries did not produce the verified root (defence in depth; a bug).
    case rootMismatch = "storage.root-mismatch"
    case notEnrolled = "storage.not-enrolled"
    case enrolment = "storage.enrolment"
    case noSuchCheckpoint = "storage.no-such-checkpoint"
    case incomplete = "storage.incomplete"
    case outOfRange = "storage.out-of-range"
    /// The stored data does not hold together (what `verify` reports).
    case corrupt = "storage.corrupt"
    /// The database is missing, of another version, or unreachable.
    case unavailable = "storage.unavailable"
    case schema = "storage.schema"

    /// For `corrupt`: the first log index found bad.
    public typealias Detail = UInt64
}

extension HQStorageError {
    public static func corruptFeed(_ failure: VerificationFailure, province: String) -> HQStorageError {
        HQStorageError(.corrupt, "HQ's feed to \(province) does not hold together: \(failure.message)",
                       hint: "restore the feed from backup; keep this copy as evidence (provinces that accepted its checkpoints can prove what they received)", index: failure.index)
    }

    public static func corrupt(_ failure: VerificationFailure, province: String) -> HQStorageError {
        HQStorageError(.corrupt, "the mirror of \(province) does not hold together: \(failure.message)",
                       hint: "restore the mirror from backup or re-sync it from the province; keep this copy as evidence", index: failure.index)
    }
}
