public import Foundation
public import LedgerCore
public import LedgerStore
import NationalCrypto
import SecretFiles

/// A province's ledger directory: `ledger.sqlite`, the log signing key `signing.key` (mode 0600),
/// its verifier key string `verifier.key`, and for SM2 the public key `signing.pub.pem`.
public struct ProvinceLedger: Sendable {
    public let directory: URL
    public let store: LedgerStore
    public let signer: any NoteSigner

    public static let privateKeyFile = "signing.key"
    public static let verifierKeyFile = "verifier.key"
    public static let publicKeyPEMFile = "signing.pub.pem"

    public var province: String { store.metadata.province }
    public var suite: Suite { store.suite }

    /// Creates a new ledger and its signing key in `directory` (created if missing, must not
    /// already hold a ledger). Writes the private key with mode 0600 before anything else.
    public static func initialize(directory: URL, province: ProvinceCode, origin: String?, suite: Suite, now: Date) throws -> ProvinceLedger {
        let fileManager = FileManager.default
        let ledgerPath = directory.appendingPathComponent(LedgerStore.fileName).path
        let keyPath = directory.appendingPathComponent(privateKeyFile).path
        guard !fileManager.fileExists(atPath: ledgerPath), !fileManager.fileExists(atPath: keyPath) else {
            throw ProvinceNodeError(.ledgerExists, "\(directory.path) already holds a ledger or a signing key",
                                    hint: "use another directory; never overwrite a ledger's key")
        }
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let origin = origin ?? province.defaultOrigin
        let generated = try suite.signatures.generateKey(name: origin)
        try writeSecret(generated.privateKeyFile, to: keyPath)
        try Data((generated.signer.verifierKey + "\n").utf8).write(to: directory.appendingPathComponent(verifierKeyFile))
        if let pem = generated.publicKeyPEM {
            try Data(pem.utf8).write(to: directory.appendingPathComponent(publicKeyPEMFile))
        }
        let metadata = LedgerMetadata(suite: suite.id, origin: origin, province: province.rawValue, role: .province,
                                      verifierKey: generated.signer.verifierKey)
        let store = try LedgerStore.create(at: ledgerPath, metadata: metadata, suite: suite, signer: generated.signer, now: now)
        return ProvinceLedger(directory: directory, store: store, signer: generated.signer)
    }

    /// Opens the ledger in `directory` with its own suite. `expectedSuite`, when given, must match.
    /// The signing key must be the ledger's current key; a key rotation interrupted after its
    /// transaction (the new key still in `signing.key.new`) is finished here.
    public static func open(directory: URL, expectedSuite: SuiteID? = nil) async throws -> ProvinceLedger {
        let ledgerPath = directory.appendingPathComponent(LedgerStore.fileName).path
        guard FileManager.default.fileExists(atPath: ledgerPath) else {
            throw ProvinceNodeError(.noLedger, "no ledger in \(directory.path)", hint: "create one with `creditsync province init --ledger \(directory.path) --province CODE`")
        }
        let metadata = try LedgerStore.readMetadata(at: ledgerPath)
        let store = try LedgerStore.open(at: ledgerPath, suite: Suites.named(expectedSuite ?? metadata.suite))
        let current = try await store.keyHistory().current.verifierKey
        var signer = try loadSigner(directory.appendingPathComponent(privateKeyFile), store: store, origin: metadata.origin)
        if signer.verifierKey != current {
            let pending = directory.appendingPathComponent(privateKeyFile + ".new")
            if FileManager.default.fileExists(atPath: pending.path),
               let rotated = try? loadSigner(pending, store: store, origin: metadata.origin), rotated.verifierKey == current {
                try retire(directory: directory, old: signer)
                try FileManager.default.moveItem(at: pending, to: directory.appendingPathComponent(privateKeyFile))
                signer = rotated
            } else {
                throw ProvinceNodeError(.keyFile, "\(privateKeyFile) is not this ledger's current key (\(current))",
                                        hint: "restore the ledger's own signing key; a ledger's key changes only by `creditsync province rotate-key`")
            }
        }
        return ProvinceLedger(directory: directory, store: store, signer: signer)
    }

    static func loadSigner(_ url: URL, store: LedgerStore, origin: String) throws -> any NoteSigner {
        let keyText: String
        do {
            keyText = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ProvinceNodeError(.keyFile, "cannot read the signing key \(url.path): \(error.localizedDescription)",
                                    hint: "the key is created by `province init`; restore it from your key backup")
        }
        return try store.suite.signatures.loadSigner(name: origin, privateKeyFile: keyText)
    }

    /// Moves a replaced key to `signing.key.retired-<key id>` (mode 0600 kept): old checkpoints
    /// verify with its public half in the ledger; the private half signs nothing more.
    static func retire(directory: URL, old: any NoteSigner) throws {
        let id = String(old.keyID, radix: 16)
        let retired = directory.appendingPathComponent("\(privateKeyFile).retired-\(String(repeating: "0", count: 8 - id.count))\(id)")
        if !FileManager.default.fileExists(atPath: retired.path) {
            try FileManager.default.moveItem(at: directory.appendingPathComponent(privateKeyFile), to: retired)
        }
    }

    /// Rotates the log's signing key (DESIGN §4): generates a new key, signs the latest
    /// checkpoint with the old and the new key, records the new key in the ledger, and makes it
    /// the signing key. Returns the rotation checkpoint, which HQ needs to enrol the new key
    /// (`creditsync hq enroll --rotate`). Crash-safe: the new key is written before the
    /// ledger's transaction and put in place after it (or by the next `open`).
    public func rotateKey(now: Date) async throws -> (ProvinceLedger, VerifiedCheckpoint) {
        let generated = try suite.signatures.generateKey(name: store.metadata.origin)
        let pending = directory.appendingPathComponent(Self.privateKeyFile + ".new")
        if FileManager.default.fileExists(atPath: pending.path) { try FileManager.default.removeItem(at: pending) }
        try SecretFile.write(generated.privateKeyFile, to: pending.path)
        let rotation = try await store.rotateKey(from: signer, to: generated.signer, now: now)
        try Self.retire(directory: directory, old: signer)
        try FileManager.default.moveItem(at: pending, to: directory.appendingPathComponent(Self.privateKeyFile))
        try Data((generated.signer.verifierKey + "\n").utf8).write(to: directory.appendingPathComponent(Self.verifierKeyFile))
        if let pem = generated.publicKeyPEM {
            try Data(pem.utf8).write(to: directory.appendingPathComponent(Self.publicKeyPEMFile))
        }
        return (ProvinceLedger(directory: directory, store: store, signer: generated.signer), rotation)
    }

    /// Opens the ledger for reading only: no private key needed.
    public static func openStore(directory: URL, expectedSuite: SuiteID? = nil) throws -> LedgerStore {
        let ledgerPath = directory.appendingPathComponent(LedgerStore.fileName).path
        guard FileManager.default.fileExists(atPath: ledgerPath) else {
            throw ProvinceNodeError(.noLedger, "no ledger in \(directory.path)", hint: "create one with `creditsync province init --ledger \(directory.path) --province CODE`")
        }
        let metadata = try LedgerStore.readMetadata(at: ledgerPath)
        return try LedgerStore.open(at: ledgerPath, suite: Suites.named(expectedSuite ?? metadata.suite))
    }

    /// Writes `contents` to a new file readable only by its owner.
    static func writeSecret(_ contents: String, to path: String) throws {
        try SecretFile.write(contents, to: path)
    }
}
