import Foundation
import HQStorage
import LedgerCore
import NationalCrypto
import PKI

/// HQ's storage and keys, as the `hq` commands and the server open them.
public struct HQData: Sendable {
    public let storage: any HQStorage
    public let keys: HQKeys

    public init(storage: any HQStorage, keys: HQKeys) {
        self.storage = storage
        self.keys = keys
    }

    public var registry: any RegistryStore { storage.registry }

    /// The feed of an enrolled province, signed by HQ's feed key of its suite.
    public func feed(province: String) async throws -> any FeedStore {
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQError(.notEnrolled, "province \(province) is not enrolled at HQ",
                          hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        return try await storage.feed(province: province, signer: try keys.feedSigner(province: province, suite: enrolment.suite))
    }

    /// Where HQ keeps its data; `HQStorageDrivers` opens the backend that serves it.
    public typealias Location = StorageLocation

    /// Creates HQ's keys in `keyDirectory` for newly created `storage` (`hq init`). Storage that
    /// several processes share records the keys' public halves, so every later process can
    /// check it signs with the same ones; one that already records a cosigner was initialized
    /// before and is refused.
    public static func initialize(_ storage: any HQStorage, keys keyDirectory: URL, name: String = HQKeys.defaultName) async throws -> HQData {
        guard let recorded = storage.recordedKeys else {
            return HQData(storage: storage, keys: try HQKeys.create(in: keyDirectory, name: name))
        }
        if let existing = try await recorded.value(.cosigner) {
            throw HQError(.dataDirectory, "\(storage.location) is already HQ's database (cosigner \(existing))",
                          hint: "point each HQ process at it with database_url and the same keys directory; never initialize it twice")
        }
        let keys = try HQKeys.create(in: keyDirectory, name: name)
        try await recorded.record(.cosigner, keys.cosigner.verifierKey)
        try await recorded.record(.publicKeys, keys.publicKeys)
        return HQData(storage: storage, keys: keys)
    }

    /// Loads HQ's keys from `keyDirectory` for opened `storage`. Where the storage records the
    /// keys its processes sign with, keys other than those are refused.
    public static func open(_ storage: any HQStorage, keys keyDirectory: URL) async throws -> HQData {
        let keys = try HQKeys.load(from: keyDirectory)
        guard let recorded = storage.recordedKeys else { return HQData(storage: storage, keys: keys) }
        let cosigner = try await recorded.value(.cosigner)
        guard cosigner == keys.cosigner.verifierKey else {
            throw HQError(.dataDirectory, "the cosigner key in \(keyDirectory.path) is not the one \(storage.location) was initialized with (\(cosigner ?? "none"))",
                          hint: "every HQ process must use the key directory `hq init --database` wrote")
        }
        // The feed and SM2 keys too: a key directory from before them creates them on its first
        // load, and the first process to open the storage records them, so a process whose
        // directory made other ones is refused instead of signing apart.
        if let all = try await recorded.value(.publicKeys) {
            guard all == keys.publicKeys else {
                throw HQError(.dataDirectory, "the keys in \(keyDirectory.path) are not the ones \(storage.location) records",
                              hint: "every HQ process must use the same key directory; copy feed.key, feed-sm2.key and cosigner-sm2.key from the first one")
            }
        } else {
            try await recorded.record(.publicKeys, keys.publicKeys)
        }
        return HQData(storage: storage, keys: keys)
    }

    /// Enrols a province's log key and creates its mirror.
    @discardableResult
    public func enroll(province: String, verifierKey text: String, now: Date) async throws -> Enrolment {
        let key = try VerifierKey(parsing: text)
        let (suite, _) = try Suites.logVerifier(for: key)
        let enrolment = try await storage.enroll(province: province, verifierKey: key.string, suite: suite, now: now)
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
}

extension HQData {
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
