public import Foundation
import LedgerCore

/// HQ's own records: enrolled provinces and their key histories, sync events, fork evidence,
/// alarms and revocations. Evidence, alarms and revocations are append-only.
public protocol RegistryStore: Sendable {
    func enrolment(province: String) async throws -> Enrolment?
    func enrolments() async throws -> [Enrolment]
    /// Adds `verifierKey` as the province's log key from `fromSize` on, with the checkpoint
    /// signed by the previous key and this one that announced it (DESIGN §4).
    func rotateKey(province: String, verifierKey: String, fromSize: UInt64, rotationNote: String, now: Date) async throws -> Enrolment

    func recordEvent(_ event: SyncEvent) async throws
    /// The latest events of a province, newest first.
    func events(province: String, limit: Int) async throws -> [SyncEvent]
    /// The time of the province's last completed upload.
    func lastSync(province: String) async throws -> Date?

    /// Keeps both checkpoints of a fork and raises its alarm, in one transaction.
    func recordFork(_ evidence: ForkEvidence) async throws
    func forks(province: String?) async throws -> [ForkEvidence]
    func raiseAlarm(_ alarm: Alarm) async throws
    func alarms(province: String?) async throws -> [Alarm]

    /// Records a revocation; returns false if the same one was already recorded.
    func revoke(_ revocation: Revocation) async throws -> Bool
    func revocations() async throws -> [Revocation]
    /// Whether a certificate serial (normalized lower-case hex) or a log verifier key is revoked.
    func isRevoked(_ kind: Revocation.Kind, _ value: String) async throws -> Bool
}
