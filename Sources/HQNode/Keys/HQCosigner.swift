public import LedgerCore
public import NationalCrypto

/// HQ's receipt key for one province: Ed25519 (C2SP cosignature type 0x04) for the default
/// suite, SM2 (Protocol/formats.md §6) for `sm3-sm2` provinces, so a national-suite province
/// never depends on Ed25519. Both are named `creditsync.samr/hq`; their key IDs differ by type.
public enum HQCosigner: Sendable {
    case ed25519(Cosigner)
    case sm2(SM2Cosigner)

    public var name: String {
        switch self {
        case .ed25519(let key): key.name
        case .sm2(let key): key.name
        }
    }

    public var keyID: UInt32 {
        switch self {
        case .ed25519(let key): key.keyID
        case .sm2(let key): key.keyID
        }
    }

    public var verifierKey: String {
        switch self {
        case .ed25519(let key): key.verifierKey
        case .sm2(let key): key.verifierKey
        }
    }

    public func cosign(_ checkpoint: Checkpoint, time: UInt64) throws -> NoteSignature {
        switch self {
        case .ed25519(let key): try key.cosign(checkpoint, time: time)
        case .sm2(let key): try key.cosign(checkpoint, time: time)
        }
    }
}
