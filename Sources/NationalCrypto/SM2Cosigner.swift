public import LedgerCore

/// A national-suite cosigner: the C2SP `tlog-cosignature` v1 signed message, signed with SM2
/// (DESIGN §4, Protocol/formats.md §6), so an `sm3-sm2` deployment's receipts and feed
/// cosignatures never depend on Ed25519. C2SP assigns SM2 no type; like the SM2 note key we use
/// its escape for unassigned types, `0xff` followed by our identifier, here
/// `creditsync.samr/sm2-sm3-cosignature/v1`, so a cosigner key can never be taken for a log key.
///
/// Signed message: `cosignature/v1\ntime <unix seconds>\n` + checkpoint body. Signature
/// payload: 8-byte big-endian time || strict-DER SM2-with-SM3 signature (distinguishing ID
/// 1234567812345678), 77–80 bytes.
public enum SM2CosignatureKey {
    public static let keyType: [UInt8] = [0xFF] + Array("creditsync.samr/sm2-sm3-cosignature/v1".utf8)
}

public struct SM2Cosigner: Sendable {
    /// The SM2 key and its PEM files, as a log key holds them; only the key type differs.
    let key: SM2NoteSigner

    public var name: String { key.name }
    public var publicKey: [UInt8] { key.publicKey }

    public static func generate(name: String) throws(NationalCryptoError) -> SM2Cosigner {
        SM2Cosigner(key: try .generate(name: name))
    }

    /// A cosigner from a PKCS#8 PEM private key.
    public init(name: String, privateKeyPEM: String) throws(NationalCryptoError) {
        key = try SM2NoteSigner(name: name, privateKeyPEM: privateKeyPEM)
    }

    init(key: SM2NoteSigner) {
        self.key = key
    }

    public var keyID: UInt32 { NoteKeyID.compute(name: name, keyType: SM2CosignatureKey.keyType, publicKey: publicKey) }
    public var verifierKey: String { VerifierKey(name: name, keyType: SM2CosignatureKey.keyType, publicKey: publicKey).string }
    public var verifier: SM2CosignatureVerifier { try! SM2CosignatureVerifier(name: name, publicKey: publicKey) }
    public func privateKeyPEM() throws(NationalCryptoError) -> String { try key.privateKeyPEM() }
    public func publicKeyPEM() throws(NationalCryptoError) -> String { try key.publicKeyPEM() }

    /// Cosigns `checkpoint` at `time` (Unix seconds).
    public func cosign(_ checkpoint: Checkpoint, time: UInt64) throws -> NoteSignature {
        var payload = withUnsafeBytes(of: time.bigEndian) { Array($0) }
        payload += try key.sign(CosignatureVerifier.signedMessage(body: checkpoint.body, time: time))
        return NoteSignature(name: name, keyID: keyID, signature: payload)
    }
}

/// Verifies SM2 cosignatures. As a `NoteVerifier` it verifies a cosignature line against the
/// checkpoint's note text, like `CosignatureVerifier` for Ed25519.
public struct SM2CosignatureVerifier: NoteVerifier {
    let key: SM2NoteVerifier
    public let keyID: UInt32
    public var name: String { key.name }

    /// A verifier for the uncompressed point `04 || x || y`.
    public init(name: String, publicKey point: [UInt8]) throws(NationalCryptoError) {
        key = try SM2NoteVerifier(name: name, publicKey: point)
        keyID = NoteKeyID.compute(name: name, keyType: SM2CosignatureKey.keyType, publicKey: point)
    }

    /// The payload's timestamp, if it has the shape of one.
    public static func timestamp(of signature: [UInt8]) -> UInt64? {
        guard signature.count > 8, signature.count <= 8 + 72 else { return nil }
        let time = signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return time <= UInt64(Int64.max) ? time : nil
    }

    public func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let time = Self.timestamp(of: signature) else { return false }
        let body = String(decoding: message, as: UTF8.self)
        return key.verify(Array(signature.dropFirst(8)), for: CosignatureVerifier.signedMessage(body: body, time: time))
    }
}

/// HQ's cosigner keys of either suite, from their verifier key strings.
public enum Cosignatures {
    /// A verifier for an Ed25519 (type 0x04) or SM2 cosigner key string.
    public static func verifier(forKey text: String) throws -> any NoteVerifier {
        let key = try VerifierKey(parsing: text)
        if key.typeAndKey.first == Cosigner.type { return try CosignatureVerifier(verifierKey: key) }
        let type = SM2CosignatureKey.keyType
        guard key.typeAndKey.starts(with: type) else {
            throw LedgerCoreError(.malformedKey, "\(key.name) is not a cosigner key (Ed25519 type 0x04, or SM2 \(String(decoding: type.dropFirst(), as: UTF8.self)))")
        }
        return try SM2CosignatureVerifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst(type.count)))
    }

    /// The timestamp of a cosignature by either kind of key.
    public static func timestamp(of signature: [UInt8]) -> UInt64? {
        CosignatureVerifier.timestamp(of: signature) ?? SM2CosignatureVerifier.timestamp(of: signature)
    }
}
