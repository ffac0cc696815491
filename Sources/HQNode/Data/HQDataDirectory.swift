import Foundation
import LedgerCore
import LedgerStore
import NationalCrypto

/// HQ's data directory: `hq.sqlite` (registry), `mirrors/<province>.sqlite` (one mirror per
/// province: natural sharding, independent writes), `cosigner.key` (0600) and `cosigner.pub`.
public struct HQDataDirectory: Sendable {
    public let url: URL
    public let registry: HQRegistry
    public let cosigner: Cosigner

    public static let registryFile = "hq.sqlite"
    public static let cosignerKeyFile = "cosigner.key"
    public static let cosignerPublicFile = "cosigner.pub"
    public static let mirrorsDirectory = "mirrors"
    public static let defaultName = "creditsync.samr/hq"

    /// Creates a new data directory with a fresh cosigner key named `name`.
    public static func initialize(at url: URL, name: String = defaultName) throws -> HQDataDirectory {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: url.appendingPathComponent(registryFile).path),
              !fileManager.fileExists(atPath: url.appendingPathComponent(cosignerKeyFile).path)
        else {
            throw HQError(.dataDirectory, "\(url.path) already holds HQ data", hint: "use another directory; never overwrite HQ's cosigner key")
        }
        try fileManager.createDirectory(at: url.appendingPathComponent(mirrorsDirectory), withIntermediateDirectories: true)
        let cosigner = try Cosigner.generate(name: name)
        let keyPath = url.appendingPathComponent(cosignerKeyFile).path
        guard fileManager.createFile(atPath: keyPath, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw HQError(.dataDirectory, "cannot create \(keyPath)", hint: "check the directory's permissions")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: keyPath))
        try handle.write(contentsOf: Data((cosigner.privateKeyString + "\n").utf8))
        try handle.synchronize()
        try handle.close()
        try Data((cosigner.verifierKey + "\n").utf8).write(to: url.appendingPathComponent(cosignerPublicFile))
        return HQDataDirectory(url: url, registry: try HQRegistry(path: url.appendingPathComponent(registryFile).path), cosigner: cosigner)
    }

    public static func open(at url: URL) throws -> HQDataDirectory {
        let registryPath = url.appendingPathComponent(registryFile).path
        guard FileManager.default.fileExists(atPath: registryPath) else {
            throw HQError(.dataDirectory, "no HQ data in \(url.path)", hint: "create it with `creditsync hq init --data \(url.path)`")
        }
        let keyText: String
        do {
            keyText = try String(contentsOf: url.appendingPathComponent(cosignerKeyFile), encoding: .utf8)
        } catch {
            throw HQError(.dataDirectory, "cannot read HQ's cosigner key in \(url.path)", hint: "restore cosigner.key from the key backup")
        }
        return HQDataDirectory(url: url, registry: try HQRegistry(path: registryPath), cosigner: try Cosigner(privateKeyString: keyText))
    }

    public func mirrorPath(province: String) -> String {
        url.appendingPathComponent(Self.mirrorsDirectory).appendingPathComponent("\(province).sqlite").path
    }

    /// Enrols a province's log key and creates its mirror.
    @discardableResult
    public func enroll(province: String, verifierKey text: String, now: Date) throws -> HQRegistry.Enrolment {
        let key = try VerifierKey(parsing: text)
        let (suite, _) = try Suites.logVerifier(for: key)
        let enrolment = try registry.enroll(province: province, verifierKey: key.string, suite: suite.id, now: now)
        if !FileManager.default.fileExists(atPath: mirrorPath(province: province)) {
            let metadata = LedgerMetadata(suite: suite.id, origin: key.name, province: province, role: .mirror, verifierKey: key.string)
            try LedgerStore.create(at: mirrorPath(province: province), metadata: metadata, suite: suite, now: now).close()
        }
        return enrolment
    }

    /// Opens the mirror of an enrolled province.
    public func openMirror(province: String) throws -> LedgerStore {
        guard let enrolment = try registry.enrolment(province: province) else {
            throw HQError(.notEnrolled, "province \(province) is not enrolled at HQ", hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        let store = try LedgerStore.open(at: mirrorPath(province: province), suite: Suites.named(enrolment.suite))
        guard store.metadata.verifierKey == enrolment.verifierKey, store.metadata.role == .mirror else {
            throw HQError(.dataDirectory, "the mirror of \(province) does not match its enrolment", hint: "restore mirrors/\(province).sqlite from backup")
        }
        return store
    }
}
