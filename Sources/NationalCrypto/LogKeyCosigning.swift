public import LedgerCore

/// A province cosigns HQ's feed checkpoints with its enrolled log key, under the cosignature key
/// type of its suite (Ed25519 type 0x04, or the SM2 cosignature type of Protocol/formats.md §6),
/// so HQ verifies the cosignature against the province's enrolment without a second key to
/// distribute and rotate. Reusing the key is safe because the two signed messages cannot
/// collide: a cosignature signs `cosignature/v1\ntime …\n` + body, while a checkpoint's signed
/// text starts with its origin line, and no log origin is `cosignature/v1`.
public enum LogKeyCosigning {
    /// Cosigns `checkpoint` with the log key `signer` at `time` (Unix seconds).
    public static func cosign(_ checkpoint: Checkpoint, time: UInt64, with signer: any NoteSigner) throws -> NoteSignature {
        switch signer {
        case let ed25519 as Ed25519NoteSigner:
            return try ed25519.asCosigner().cosign(checkpoint, time: time)
        case let sm2 as SM2NoteSigner:
            return try SM2Cosigner(key: sm2).cosign(checkpoint, time: time)
        default:
            throw LedgerCoreError(.malformedKey, "\(signer.name): no cosignature type for this kind of log key")
        }
    }

    /// The cosignature verifier of a log key (its note verifier key string).
    public static func verifier(forLogKey text: String) throws -> any NoteVerifier {
        let key = try VerifierKey(parsing: text)
        if key.typeAndKey.first == Ed25519NoteSigner.type, key.typeAndKey.count == 33 {
            return try CosignatureVerifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst()))
        }
        if key.typeAndKey.starts(with: SM2NoteKey.keyType) {
            return try SM2CosignatureVerifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst(SM2NoteKey.keyType.count)))
        }
        throw LedgerCoreError(.malformedKey, "\(key.name) is not an Ed25519 or SM2 log key")
    }
}
