public import Foundation
public import LedgerCore
import Mirroring
public import NationalCrypto
import SecretFiles
import SyncProtocol

/// HQ's own keys, in a key directory:
/// - `cosigner.key` (mode 0600, the receipt key) and `cosigner.pub` (its verifier key string,
///   given to provinces as `hq_key`); `cosigner-sm2.key` and `cosigner-sm2.pub`, the same for
///   `sm3-sm2` provinces, whose receipts are SM2 cosignatures;
/// - `feed.key` (Ed25519) and `feed-sm2.key` (SM2, PKCS#8 PEM), mode 0600: the keys that sign
///   the feeds (DESIGN §7), separate from the cosigner so a receipt can never pass for a feed
///   checkpoint. A feed's key name is its origin, so each province gets its own verifier key
///   string from the same key (`feedVerifierKey(province:suite:)`, printed by `hq enroll`).
/// - `inspection.key` (Ed25519, mode 0600): signs on-site inspection results (`inspect compare
///   --key`); inspectors carry a copy, `inspect record` verifies with this one.
/// Every HQ process serving one storage must use the same key directory contents.
public struct HQKeys: Sendable {
    public let cosigner: Cosigner
    public let sm2Cosigner: SM2Cosigner
    let feedSeed: Ed25519NoteSigner
    let feedSM2PEM: String
    /// Signs inspection results (Protocol/inspection.md §5).
    public let inspection: Ed25519NoteSigner

    public static let cosignerKeyFile = "cosigner.key"
    public static let cosignerPublicFile = "cosigner.pub"
    public static let sm2CosignerKeyFile = "cosigner-sm2.key"
    public static let sm2CosignerPublicFile = "cosigner-sm2.pub"
    public static let feedKeyFile = "feed.key"
    public static let feedSM2KeyFile = "feed-sm2.key"
    public static let inspectionKeyFile = "inspection.key"
    public static let inspectionKeyName = "creditsync.samr/hq/inspection"
    public static let defaultName = "creditsync.samr/hq"

    /// Creates the keys in `directory` (created if missing); never overwrites a key.
    public static func create(in directory: URL, name: String = defaultName) throws -> HQKeys {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cosigner = try Cosigner.generate(name: name)
        try SecretFile.write(cosigner.privateKeyString + "\n", to: directory.appendingPathComponent(cosignerKeyFile).path)
        try Data((cosigner.verifierKey + "\n").utf8).write(to: directory.appendingPathComponent(cosignerPublicFile))
        let (seed, pem) = try loadOrCreateFeedKeys(in: directory)
        return HQKeys(cosigner: cosigner, sm2Cosigner: try loadOrCreateSM2Cosigner(in: directory, name: name), feedSeed: seed, feedSM2PEM: pem,
                      inspection: try loadOrCreateInspectionKey(in: directory))
    }

    public static func load(from directory: URL) throws -> HQKeys {
        let path = directory.appendingPathComponent(cosignerKeyFile)
        let text: String
        do {
            text = try String(contentsOf: path, encoding: .utf8)
        } catch {
            throw HQError(.dataDirectory, "cannot read HQ's cosigner key \(path.path)", hint: "restore cosigner.key from the key backup, or point keys at its directory")
        }
        let (seed, pem) = try loadOrCreateFeedKeys(in: directory)
        let cosigner = try Cosigner(privateKeyString: text)
        return HQKeys(cosigner: cosigner, sm2Cosigner: try loadOrCreateSM2Cosigner(in: directory, name: cosigner.name), feedSeed: seed, feedSM2PEM: pem,
                      inspection: try loadOrCreateInspectionKey(in: directory))
    }

    /// The inspection key; a key directory from before it gets one on first load. It is not
    /// among `publicKeys`: processes sharing a database need not agree on it (only `inspect
    /// record` uses it), and directories recorded before it keep opening.
    static func loadOrCreateInspectionKey(in directory: URL) throws -> Ed25519NoteSigner {
        let path = directory.appendingPathComponent(inspectionKeyFile).path
        if !FileManager.default.fileExists(atPath: path) {
            try SecretFile.write(try Ed25519NoteSigner.generate(name: inspectionKeyName).privateKeyString + "\n", to: path)
        }
        do {
            return try Ed25519NoteSigner(privateKeyString: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw HQError(.dataDirectory, "cannot read HQ's inspection key \(path): \(error)", hint: "restore inspection.key from the key backup")
        }
    }

    /// The SM2 receipt key; a key directory from before it gets one on first load.
    static func loadOrCreateSM2Cosigner(in directory: URL, name: String) throws -> SM2Cosigner {
        let path = directory.appendingPathComponent(sm2CosignerKeyFile).path
        if !FileManager.default.fileExists(atPath: path) {
            let created = try SM2Cosigner.generate(name: name)
            try SecretFile.write(try created.privateKeyPEM(), to: path)
            try Data((created.verifierKey + "\n").utf8).write(to: directory.appendingPathComponent(sm2CosignerPublicFile))
        }
        do {
            return try SM2Cosigner(name: name, privateKeyPEM: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw HQError(.dataDirectory, "cannot read HQ's SM2 cosigner key \(path): \(error)", hint: "restore cosigner-sm2.key from the key backup")
        }
    }

    /// HQ's receipt key for a province of `suite`.
    public func cosigner(for suite: SuiteID) -> HQCosigner {
        switch suite {
        case .sha256Ed25519: .ed25519(cosigner)
        case .sm3SM2: .sm2(sm2Cosigner)
        }
    }

    /// The verifier key string a province of `suite` configures as `hq_key`.
    public func cosignerKey(for suite: SuiteID) -> String { cosigner(for: suite).verifierKey }

    /// The feed keys; a key directory from before feeds gets them on first load.
    static func loadOrCreateFeedKeys(in directory: URL) throws -> (Ed25519NoteSigner, String) {
        let edPath = directory.appendingPathComponent(feedKeyFile).path
        let smPath = directory.appendingPathComponent(feedSM2KeyFile).path
        if !FileManager.default.fileExists(atPath: edPath) {
            try SecretFile.write(try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/feed").privateKeyString + "\n", to: edPath)
        }
        if !FileManager.default.fileExists(atPath: smPath) {
            try SecretFile.write(try SM2NoteSigner.generate(name: "creditsync.samr/hq/feed").privateKeyPEM(), to: smPath)
        }
        do {
            let seed = try Ed25519NoteSigner(privateKeyString: try String(contentsOfFile: edPath, encoding: .utf8))
            let pem = try String(contentsOfFile: smPath, encoding: .utf8)
            _ = try SM2NoteSigner(name: "creditsync.samr/hq/feed", privateKeyPEM: pem)
            return (seed, pem)
        } catch {
            throw HQError(.dataDirectory, "cannot read HQ's feed keys in \(directory.path): \(error)", hint: "restore feed.key and feed-sm2.key from the key backup")
        }
    }

    /// The signer of a province's feed: HQ's feed key of the province's suite, named by the
    /// feed's origin.
    public func feedSigner(province: String, suite: SuiteID) throws -> any NoteSigner {
        let name = FeedOrigin.of(province: province)
        switch suite {
        case .sha256Ed25519: return try feedSeed.renamed(name)
        case .sm3SM2: return try SM2NoteSigner(name: name, privateKeyPEM: feedSM2PEM)
        }
    }

    /// The signer of HQ's central intake log: HQ's Ed25519 feed key, named by the log's origin.
    public func intakeSigner() throws -> any NoteSigner {
        try feedSeed.renamed(IntakeOrigin.origin)
    }

    /// Every public key, one per line: what the processes sharing one database must agree on.
    public var publicKeys: String {
        [cosigner.verifierKey, sm2Cosigner.verifierKey, feedSeed.verifierKey,
         (try? SM2NoteSigner(name: feedSeed.name, privateKeyPEM: feedSM2PEM).verifierKey) ?? ""].joined(separator: "\n")
    }

    /// The verifier key string a province configures as `hq_feed_key`.
    public func feedVerifierKey(province: String, suite: SuiteID) throws -> String {
        try feedSigner(province: province, suite: suite).verifierKey
    }
}
