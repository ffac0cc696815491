import Crypto

/// Ed25519 note keys (C2SP signed-note type 0x01), the signatures of the default suite.
public struct Ed25519NoteSigner: NoteSigner {
    public static let type: UInt8 = 0x01
    let material: Ed25519KeyMaterial
    public var name: String { material.name }
    public var publicKey: [UInt8] { material.publicKey }
    public var keyType: [UInt8] { [Self.type] }

    public init(name: String, seed: [UInt8]) throws(LedgerCoreError) {
        material = try Ed25519KeyMaterial(name: name, type: Self.type, seed: seed)
    }

    /// A new key from the system's secure random generator.
    public static func generate(name: String) throws(LedgerCoreError) -> Ed25519NoteSigner {
        Ed25519NoteSigner(material: try .generate(name: name, type: Self.type))
    }

    private init(material: Ed25519KeyMaterial) {
        self.material = material
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try material.sign(message)
    }

    /// The same key as a tlog-cosignature v1 cosigner (type 0x04).
    public func asCosigner() throws(LedgerCoreError) -> Cosigner {
        try Cosigner(name: name, seed: material.seed)
    }

    /// The same key under another name (HQ signs each province's feed with one key, named by
    /// the feed's origin).
    public func renamed(_ name: String) throws(LedgerCoreError) -> Ed25519NoteSigner {
        try Ed25519NoteSigner(name: name, seed: material.seed)
    }

    /// Go's note private key format: `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    public var privateKeyString: String { material.privateKeyString }

    public init(privateKeyString text: some StringProtocol) throws(LedgerCoreError) {
        material = try Ed25519KeyMaterial(privateKeyString: text, type: Self.type, kind: "an Ed25519 note")
    }
}

public struct Ed25519NoteVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    let publicKey: [UInt8]

    public init(name: String, publicKey: [UInt8], keyType: [UInt8] = [Ed25519NoteSigner.type]) throws(LedgerCoreError) {
        guard publicKey.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw LedgerCoreError(.malformedKey, "an Ed25519 public key is 32 bytes")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyID.compute(name: name, keyType: keyType, publicKey: publicKey)
    }

    public func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
