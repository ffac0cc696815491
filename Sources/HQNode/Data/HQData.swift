import Foundation
import HQStorage
import HQStoragePostgres
import HQStorageSQLite
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

    /// Where HQ keeps its data: embedded SQLite files in a directory, or a PostgreSQL database
    /// shared by several HQ processes.
    public enum Location: Sendable {
        case directory(URL)
        case database(String)
    }

    public static let cosignerMetaKey = "cosigner"
    public static let publicKeysMetaKey = "public_keys"

    /// Creates HQ's storage and keys (`hq init`). Keys default to the data directory; with a
    /// database they need a directory of their own, and the database records the cosigner's
    /// verifier key so every HQ process can check it signs with the same one.
    public static func initialize(_ location: Location, keys keyDirectory: URL? = nil, name: String = HQKeys.defaultName) async throws -> HQData {
        switch location {
        case .directory(let directory):
            let storage = try SQLiteHQStorage.create(at: directory)
            return HQData(storage: storage, keys: try HQKeys.create(in: keyDirectory ?? directory, name: name))
        case .database(let url):
            guard let keyDirectory else {
                throw HQError(.configuration, "a database needs --keys DIR for HQ's keys", hint: "HQ's processes all read the same key directory")
            }
            let storage = try await PostgresHQStorage.open(url: url, requireSchema: false)
            do {
                try await storage.migrate()
                if let existing = try await storage.meta(cosignerMetaKey) {
                    throw HQError(.dataDirectory, "\(storage.location) is already HQ's database (cosigner \(existing))",
                                  hint: "point each HQ process at it with database_url and the same keys directory; never initialize it twice")
                }
                let keys = try HQKeys.create(in: keyDirectory, name: name)
                try await storage.setMeta(cosignerMetaKey, keys.cosigner.verifierKey)
                try await storage.setMeta(publicKeysMetaKey, keys.publicKeys)
                return HQData(storage: storage, keys: keys)
            } catch {
                try? await storage.close()
                throw error
            }
        }
    }

    /// Opens HQ's storage alone, for the commands that need no key (register import, audits).
    public static func openStorage(_ location: Location) async throws -> any HQStorage {
        switch location {
        case .directory(let directory): try SQLiteHQStorage.open(at: directory)
        case .database(let url): try await PostgresHQStorage.open(url: url)
        }
    }

    /// Opens HQ's storage and keys.
    public static func open(_ location: Location, keys keyDirectory: URL? = nil) async throws -> HQData {
        switch location {
        case .directory(let directory):
            return HQData(storage: try SQLiteHQStorage.open(at: directory), keys: try HQKeys.load(from: keyDirectory ?? directory))
        case .database(let url):
            guard let keyDirectory else {
                throw HQError(.configuration, "a database needs --keys DIR for HQ's keys", hint: "the directory `hq init --database` wrote cosigner.key to")
            }
            let keys = try HQKeys.load(from: keyDirectory)
            let storage = try await PostgresHQStorage.open(url: url)
            do {
                let recorded = try await storage.meta(cosignerMetaKey)
                guard recorded == keys.cosigner.verifierKey else {
                    throw HQError(.dataDirectory, "the cosigner key in \(keyDirectory.path) is not the one \(storage.location) was initialized with (\(recorded ?? "none"))",
                                  hint: "every HQ process must use the key directory `hq init --database` wrote")
                }
                // The feed and SM2 keys too: a key directory from before them creates them on its
                // first load, and the first process to open the database records them, so a
                // process whose directory made other ones is refused instead of signing apart.
                if let all = try await storage.meta(publicKeysMetaKey) {
                    guard all == keys.publicKeys else {
                        throw HQError(.dataDirectory, "the keys in \(keyDirectory.path) are not the ones \(storage.location) records",
                                      hint: "every HQ process must use the same key directory; copy feed.key, feed-sm2.key and cosigner-sm2.key from the first one")
                    }
                } else {
                    try await storage.setMeta(publicKeysMetaKey, keys.publicKeys)
                }
            } catch {
                try? await storage.close()
                throw error
            }
            return HQData(storage: storage, keys: keys)
        }
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
    /// Opens the storage and keys for `hq serve`. Embedded storage is served by one process:
    /// a second `hq serve` on the same directory is refused (its upload leases are in memory).
    /// A database is served by as many processes as run.
    public static func openForServing(_ configuration: HQConfiguration) async throws -> HQData {
        let keys = configuration.keyDirectory.map { URL(fileURLWithPath: $0) }
        if let url = configuration.databaseURL {
            return try await open(.database(url), keys: keys)
        }
        guard let data = configuration.data else {
            throw HQError(.configuration, "missing setting data", hint: "set \"data\" to the directory `hq init` made")
        }
        let storage = try SQLiteHQStorage.open(at: URL(fileURLWithPath: data))
        try storage.lockForServing()
        return HQData(storage: storage, keys: try HQKeys.load(from: keys ?? URL(fileURLWithPath: data)))
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
