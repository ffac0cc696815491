import Crypto

/// A C2SP `tlog-cosignature` v1 cosigner (Ed25519, signature type 0x04): HQ's receipt key.
///
/// Signed message: `cosignature/v1\ntime <unix seconds>\n` + checkpoint body; signature payload:
/// 8-byte big-endian time || 64-byte Ed25519 signature.
public struct Cosigner: Sendable {
    public static let type: UInt8 = 0x04
    let material: Ed25519KeyMaterial
    public var name: String { material.name }
    public var publicKey: [UInt8] { material.publicKey }

    public init(name: String, seed: [UInt8]) throws(LedgerCoreError) {
        material = try Ed25519KeyMaterial(name: name, type: Self.type, seed: seed)
    }

    public static func generate(name: String) throws(LedgerCoreError) -> Cosigner {
        Cosigner(material: try .generate(name: name, type: Self.type))
    }

    private init(material: Ed25519KeyMaterial) {
        self.material = material
    }

    public var keyID: UInt32 { material.keyID }
    public var verifierKey: String { VerifierKey(name: name, keyType: [Self.type], publicKey: publicKey).string }
    public var verifier: CosignatureVerifier { try! CosignatureVerifier(name: name, publicKey: publicKey) }

    /// `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>`, Go's note key layout with type 0x04.
    public var privateKeyString: String { material.privateKeyString }

    public init(privateKeyString text: some StringProtocol) throws(LedgerCoreError) {
        material = try Ed25519KeyMaterial(privateKeyString: text, type: Self.type, kind: "a cosigner")
    }

    /// Cosigns `checkpoint` at `time` (Unix seconds).
    public func cosign(_ checkpoint: Checkpoint, time: UInt64) throws -> NoteSignature {
        let message = CosignatureVerifier.message(body: checkpoint.body, time: time)
        var payload = withUnsafeBytes(of: time.bigEndian) { Array($0) }
        payload.append(contentsOf: try material.sign(message))
        return NoteSignature(name: name, keyID: keyID, signature: payload)
    }
}

/// Verifies tlog-cosignature v1 Ed25519 cosignatures. As a `NoteVerifier` it verifies a
/// cosignature line against the checkpoint's note text.
public struct CosignatureVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    let publicKey: [UInt8]

    public init(name: String, publicKey: [UInt8]) throws(LedgerCoreError) {
        guard publicKey.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw LedgerCoreError(.malformedKey, "an Ed25519 public key is 32 bytes")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyID.compute(name: name, keyType: [Cosigner.type], publicKey: publicKey)
    }

    /// A verifier from a verifier key string with type 0x04.
    public init(verifierKey: VerifierKey) throws(LedgerCoreError) {
        guard verifierKey.typeAndKey.first == Cosigner.type else {
            throw LedgerCoreError(.malformedKey, "\(verifierKey.name) is not a cosignature (type 0x04) key")
        }
        try self.init(name: verifierKey.name, publicKey: Array(verifierKey.typeAndKey.dropFirst()))
    }

    static func message(body: String, time: UInt64) -> [UInt8] { signedMessage(body: body, time: time) }

    /// The tlog-cosignature v1 signed message, shared by every cosigner key type.
    public static func signedMessage(body: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n\(body)".utf8)
    }

    /// The cosignature's timestamp, if the payload has the right shape.
    public static func timestamp(of signature: [UInt8]) -> UInt64? {
        guard signature.count == 72 else { return nil }
        let time = signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return time <= UInt64(Int64.max) ? time : nil
    }

    public func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let time = Self.timestamp(of: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        let body = String(decoding: message, as: UTF8.self)
        return key.isValidSignature(signature.suffix(64), for: Self.message(body: body, time: time))
    }
}
