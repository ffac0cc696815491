import Foundation
import LedgerCore
import SecretFiles

/// HQ's own keys, in a key directory: `cosigner.key` (mode 0600, the receipt key) and
/// `cosigner.pub` (its verifier key string, given to provinces as `hq_key`). Every HQ process
/// serving one storage must use the same key directory contents.
public struct HQKeys: Sendable {
    public let cosigner: Cosigner

    public static let cosignerKeyFile = "cosigner.key"
    public static let cosignerPublicFile = "cosigner.pub"
    public static let defaultName = "creditsync.samr/hq"

    /// Creates the keys in `directory` (created if missing); never overwrites a key.
    public static func create(in directory: URL, name: String = defaultName) throws -> HQKeys {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cosigner = try Cosigner.generate(name: name)
        try SecretFile.write(cosigner.privateKeyString + "\n", to: directory.appendingPathComponent(cosignerKeyFile).path)
        try Data((cosigner.verifierKey + "\n").utf8).write(to: directory.appendingPathComponent(cosignerPublicFile))
        return HQKeys(cosigner: cosigner)
    }

    public static func load(from directory: URL) throws -> HQKeys {
        let path = directory.appendingPathComponent(cosignerKeyFile)
        let text: String
        do {
            text = try String(contentsOf: path, encoding: .utf8)
        } catch {
            throw HQError(.dataDirectory, "cannot read HQ's cosigner key \(path.path)", hint: "restore cosigner.key from the key backup, or point keys at its directory")
        }
        return HQKeys(cosigner: try Cosigner(privateKeyString: text))
    }
}
