public import Foundation
public import HQStorage
import LedgerCore
import NationalCrypto
import PKI

/// What HQ's operators change about who may sync: enrolment of a province's log key, its
/// rotation, and revocation of a certificate or a key. Each change is recorded as an event.
public struct ProvinceAdministration: Sendable {
    public let storage: any HQStorage

    public init(storage: any HQStorage) {
        self.storage = storage
    }

    var registry: any RegistryStore { storage.registry }

    /// Enrols a province's log key and creates its mirror.
    @discardableResult
    public func enroll(province: String, verifierKey text: String, now: Date) async throws -> Enrolment {
        let key = try VerifierKey(parsing: text)
        let (suite, _) = try Suites.logVerifier(for: key)
        let enrolment = try await storage.enroll(province: try ProvinceCode(province), verifierKey: key.string, suite: suite, now: now)
        try await registry.recordEvent(SyncEvent(province: province, at: now, kind: .enrolment, outcome: "enrolled", detail: key.string))
        return enrolment
    }

    /// Enrols a province's new log key from the checkpoint its ledger signed with the current
    /// key and the new one (`province rotate-key`). HQ must hold that checkpoint's size with the
    /// same root (sync first), so a rotation can never rewrite what HQ mirrors.
    public func rotateKey(province: String, verifierKey text: String, rotationCheckpoint note: String, now: Date) async throws -> Enrolment {
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQError(.notEnrolled, "province \(province) is not enrolled", hint: "enrol it first with `creditsync hq enroll`")
        }
        let suite = Suites.named(enrolment.suite)
        let newKey = try VerifierKey(parsing: text)
        let newVerifier = try suite.verifier(forKey: newKey.string)
        guard newKey.name == enrolment.origin else {
            throw HQError(.enrolment, "the new key is named \(newKey.name), the log's origin is \(enrolment.origin)", hint: "a log's keys are named as its origin")
        }
        let current = try enrolment.keyHistory(suite: suite).current
        let rotation: UnverifiedCheckpoint
        do {
            rotation = try UnverifiedCheckpoint(parsing: note)
            _ = try rotation.verify(logKey: current.verifier, suite: suite.id)
            _ = try rotation.verify(logKey: newVerifier, suite: suite.id)
        } catch {
            throw HQError(.enrolment, "the rotation checkpoint is not signed by both the current key and the new one: \(error)",
                          hint: "use the checkpoint `creditsync province rotate-key` printed, unchanged")
        }
        let size = rotation.checkpoint.size
        guard size >= current.fromSize else {
            throw HQError(.enrolment, "the rotation checkpoint (size \(size)) is older than the current key (from \(current.fromSize))",
                          hint: "rotate at the ledger's latest checkpoint")
        }
        let mirror = try await storage.mirror(province: province)
        let held: Hash?
        if let stored = try await mirror.checkpoint(size: size) {
            held = stored.root
        } else if size <= (try await mirror.status()).nextEntry {
            held = try await mirror.root(size: size)
        } else {
            held = nil
        }
        guard let held else {
            throw HQError(.enrolment, "HQ does not hold \(province)'s log at size \(size) yet",
                          hint: "let the province sync first (its checkpoints before the rotation still verify), then enrol the new key")
        }
        guard held == rotation.checkpoint.root else {
            throw HQError(.enrolment, "the rotation checkpoint's root for size \(size) differs from what HQ holds: refused",
                          hint: "this is evidence of a fork: keep the checkpoint and investigate before enrolling any key")
        }
        let updated = try await registry.rotateKey(province: province, verifierKey: newKey.string, fromSize: size, rotationNote: note, now: now)
        try await registry.recordEvent(SyncEvent(province: province, at: now, kind: .enrolment, outcome: "key-rotated", size: size, detail: newKey.string))
        return updated
    }

    /// Records a revocation of a certificate serial or a log key; effective at the next request.
    public func revoke(serial: String?, key: String?, province: String?, reason: String, now: Date) async throws -> Revocation {
        let revocation: Revocation
        if let serial {
            guard ProvinceIdentity.isSerial(serial) else {
                throw HQError(.configuration, "\"\(serial.prefix(80))\" is not a certificate serial in hex", hint: "copy it from `openssl x509 -serial -noout -in cert.pem`")
            }
            revocation = Revocation(kind: .certificate, value: ProvinceIdentity.normalizedSerial(serial), province: province, reason: reason, revokedAt: now)
        } else if let key {
            let parsed = try VerifierKey(parsing: key)
            revocation = Revocation(kind: .logKey, value: parsed.string, province: province, reason: reason, revokedAt: now)
        } else {
            throw HQError(.configuration, "nothing to revoke", hint: "give --serial or --key")
        }
        if try await registry.revoke(revocation) {
            try await registry.raiseAlarm(Alarm(province: province, raisedAt: now, kind: "revocation",
                                                message: "revoked \(revocation.kind.rawValue) \(revocation.value): \(reason)"))
        }
        return revocation
    }
}
