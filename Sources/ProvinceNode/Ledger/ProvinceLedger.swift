import Foundation
import LedgerCore
import LedgerStore
import NationalCrypto

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
    public static func open(directory: URL, expectedSuite: SuiteID? = nil) throws -> ProvinceLedger {
        let ledgerPath = directory.appendingPathComponent(LedgerStore.fileName).path
        guard FileManager.default.fileExists(atPath: ledgerPath) else {
            throw ProvinceNodeError(.noLedger, "no ledger in \(directory.path)", hint: "create one with `creditsync province init --ledger \(directory.path) --province CODE`")
        }
        let metadata = try LedgerStore.readMetadata(at: ledgerPath)
        let store = try LedgerStore.open(at: ledgerPath, suite: Suites.named(expectedSuite ?? metadata.suite))
        let keyText: String
        do {
            keyText = try String(contentsOf: directory.appendingPathComponent(privateKeyFile), encoding: .utf8)
        } catch {
            throw ProvinceNodeError(.keyFile, "cannot read the signing key \(directory.appendingPathComponent(privateKeyFile).path): \(error.localizedDescription)",
                                    hint: "the key is created by `province init`; restore it from your key backup")
        }
        let signer = try store.suite.signatures.loadSigner(name: metadata.origin, privateKeyFile: keyText)
        guard signer.verifierKey == metadata.verifierKey else {
            throw ProvinceNodeError(.keyFile, "\(privateKeyFile) is not the key this ledger was created with",
                                    hint: "restore the ledger's own signing key; a ledger's key changes only by rotation")
        }
        return ProvinceLedger(directory: directory, store: store, signer: signer)
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
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw ProvinceNodeError(.keyFile, "cannot create \(path)", hint: "check the directory's permissions")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(contents.utf8))
        try handle.synchronize()
    }
}
