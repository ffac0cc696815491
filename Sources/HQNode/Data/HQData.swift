public import Foundation
public import HQStorage
import LedgerCore
import NationalCrypto
import PKI
import Quality

/// HQ's storage and keys, as the `hq` commands and the server open them: a value; what
/// operators change about the provinces goes through `administration`.
public struct HQData: Sendable {
    public let storage: any HQStorage
    public let keys: HQKeys

    public init(storage: any HQStorage, keys: HQKeys) {
        self.storage = storage
        self.keys = keys
    }

    public var registry: any RegistryStore { storage.registry }

    /// Enrolment, key rotation and revocation over this storage.
    public var administration: ProvinceAdministration { ProvinceAdministration(storage: storage) }

    /// Enrols a province (`administration.enroll`), then routes the held central risk items
    /// again: those waiting for this province go to its new feed.
    public func enroll(province: String, verifierKey: String, now: Date) async throws -> (Enrolment, HeldRiskRelease.Summary) {
        let enrolment = try await administration.enroll(province: province, verifierKey: verifierKey, now: now)
        let released = try await HeldRiskRelease(data: self, domain: try DomainTables.bundled()).run()
        return (enrolment, released)
    }

    /// The feed of an enrolled province, signed by HQ's feed key of its suite.
    public func feed(province: String) async throws -> any FeedStore {
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQError(.notEnrolled, "province \(province) is not enrolled at HQ",
                          hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        return try await feed(of: enrolment)
    }

    /// HQ's central intake log (`IntakeEntry`), signed by HQ's Ed25519 feed key.
    public func intake() async throws -> any FeedStore {
        try await storage.intake(signer: try keys.intakeSigner())
    }

    /// The feed of a province whose enrolment the caller has read already.
    public func feed(of enrolment: Enrolment) async throws -> any FeedStore {
        try await storage.feed(province: enrolment.province, signer: try keys.feedSigner(province: enrolment.province, suite: enrolment.suite))
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
}
