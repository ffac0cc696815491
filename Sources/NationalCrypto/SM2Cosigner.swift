import LedgerCore

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
    public let name: String
    public let publicKey: [UInt8]
    let key: SM2Key

    init(name: String, key: SM2Key) throws(NationalCryptoError) {
        self.name = name
        self.key = key
        self.publicKey = try key.publicPoint()
    }

    public static func generate(name: String) throws(NationalCryptoError) -> SM2Cosigner {
        try SM2Cosigner(name: name, key: .generate())
    }

    /// A cosigner from a PKCS#8 PEM private key.
    public init(name: String, privateKeyPEM: String) throws(NationalCryptoError) {
        try self.init(name: name, key: .privateKey(pem: privateKeyPEM))
    }

    public var keyID: UInt32 { NoteKeyID.compute(name: name, keyType: SM2CosignatureKey.keyType, publicKey: publicKey) }
    public var verifierKey: String { VerifierKey(name: name, keyType: SM2CosignatureKey.keyType, publicKey: publicKey).string }
    public var verifier: SM2CosignatureVerifier { try! SM2CosignatureVerifier(name: name, publicKey: publicKey) }
    public func privateKeyPEM() throws(NationalCryptoError) -> String { try key.privateKeyPEM() }
    public func publicKeyPEM() throws(NationalCryptoError) -> String { try key.publicKeyPEM() }

    /// Cosigns `checkpoint` at `time` (Unix seconds).
    public func cosign(_ checkpoint: Checkpoint, time: UInt64) throws -> NoteSignature {
        var payload = withUnsafeBytes(of: time.bigEndian) { Array($0) }
        payload += try SM2Signature.sign(CosignatureVerifier.signedMessage(body: checkpoint.body, time: time), key: key)
        return NoteSignature(name: name, keyID: keyID, signature: payload)
    }
}

/// Verifies SM2 cosignatures. As a `NoteVerifier` it verifies a cosignature line against the
/// checkpoint's note text, like `CosignatureVerifier` for Ed25519.
public struct SM2CosignatureVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    let key: SM2Key

    /// A verifier for the uncompressed point `04 || x || y`.
    public init(name: String, publicKey point: [UInt8]) throws(NationalCryptoError) {
        self.name = name
        self.key = try .publicKey(point: point)
        self.keyID = NoteKeyID.compute(name: name, keyType: SM2CosignatureKey.keyType, publicKey: point)
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
        return SM2Signature.verify(Array(signature.dropFirst(8)), for: CosignatureVerifier.signedMessage(body: body, time: time), key: key)
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
