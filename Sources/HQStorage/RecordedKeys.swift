/// The public keys HQ's processes sign with, as the storage recorded them when the first process
/// opened it. Storage that several processes share records them so that a process whose key
/// directory holds other keys is refused instead of signing apart; storage that one process
/// serves keeps its keys beside it and records none (`HQStorage.recordedKeys` is nil).
public protocol RecordedKeys: Sendable {
    func value(_ name: RecordedKeyName) async throws -> String?
    func record(_ name: RecordedKeyName, _ value: String) async throws
}

public enum RecordedKeyName: String, Sendable {
    /// HQ's cosigner verifier key; recorded by `hq init`, so its presence marks an initialized store.
    case cosigner
    /// Every public key HQ signs with (cosigners and feed keys of both suites), one per line.
    case publicKeys = "public_keys"
}
