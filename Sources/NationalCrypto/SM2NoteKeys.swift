public import LedgerCore

/// SM2 note keys. C2SP assigns no signature type to SM2, so we use its escape for unassigned
/// types: `0xff` followed by the identifier `creditsync.samr/sm2-sm3`; the key material is the
/// 65-byte uncompressed point. Signatures are DER SM2-with-SM3 signatures (distinguishing ID
/// 1234567812345678) over the note text. Specified in Protocol/formats.md.
public enum SM2NoteKey {
    public static let keyType: [UInt8] = [0xFF] + Array("creditsync.samr/sm2-sm3".utf8)
}

public struct SM2NoteSigner: NoteSigner {
    public let name: String
    public let publicKey: [UInt8]
    let key: SM2Key

    init(name: String, key: SM2Key) throws(NationalCryptoError) {
        self.name = name
        self.key = key
        self.publicKey = try key.publicPoint()
    }

    /// A new SM2 key named `name`.
    public static func generate(name: String) throws(NationalCryptoError) -> SM2NoteSigner {
        try SM2NoteSigner(name: name, key: .generate())
    }

    /// A signer from a PKCS#8 PEM private key.
    public init(name: String, privateKeyPEM: String) throws(NationalCryptoError) {
        try self.init(name: name, key: .privateKey(pem: privateKeyPEM))
    }

    public var keyType: [UInt8] { SM2NoteKey.keyType }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try SM2Signature.sign(message, key: key)
    }

    public func privateKeyPEM() throws(NationalCryptoError) -> String { try key.privateKeyPEM() }
    public func publicKeyPEM() throws(NationalCryptoError) -> String { try key.publicKeyPEM() }
}

public struct SM2NoteVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    let key: SM2Key

    /// A verifier for the uncompressed point `04 || x || y`.
    public init(name: String, publicKey point: [UInt8]) throws(NationalCryptoError) {
        self.name = name
        self.key = try .publicKey(point: point)
        self.keyID = NoteKeyID.compute(name: name, keyType: SM2NoteKey.keyType, publicKey: point)
    }

    /// A verifier for a SubjectPublicKeyInfo PEM public key.
    public init(name: String, publicKeyPEM: String) throws(NationalCryptoError) {
        let key = try SM2Key.publicKey(pem: publicKeyPEM)
        let point = try key.publicPoint()
        self.name = name
        self.key = key
        self.keyID = NoteKeyID.compute(name: name, keyType: SM2NoteKey.keyType, publicKey: point)
    }

    public func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        SM2Signature.verify(signature, for: message, key: key)
    }
}

/// The `sm3-sm2` suite's signatures: PKCS#8 PEM private keys, SPKI PEM public keys.
public struct SM2Scheme: SignatureScheme {
    public init() {}

    public var keyType: [UInt8] { SM2NoteKey.keyType }

    public func generateKey(name: String) throws -> GeneratedSigningKey {
        let signer = try SM2NoteSigner.generate(name: name)
        return GeneratedSigningKey(signer: signer, privateKeyFile: try signer.privateKeyPEM(), publicKeyPEM: try signer.publicKeyPEM())
    }

    public func loadSigner(name: String, privateKeyFile: String) throws -> any NoteSigner {
        try SM2NoteSigner(name: name, privateKeyPEM: privateKeyFile)
    }

    public func verifier(name: String, publicKey: [UInt8]) throws -> any NoteVerifier {
        try SM2NoteVerifier(name: name, publicKey: publicKey)
    }
}
