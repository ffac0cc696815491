import Crypto

/// Ed25519 note keys (C2SP signed-note type 0x01), the signatures of the default suite.
public struct Ed25519NoteSigner: NoteSigner {
    public static let type: UInt8 = 0x01
    public let name: String
    public let publicKey: [UInt8]
    // Raw seed: swift-crypto's key types are not Sendable on Linux; rebuilding one per signature is cheap.
    let seed: [UInt8]

    public init(name: String, seed: [UInt8]) throws(LedgerCoreError) {
        guard NoteKeyName.isValid(name) else { throw LedgerCoreError(.malformedKey, "invalid key name \"\(name)\"") }
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw LedgerCoreError(.malformedKey, "an Ed25519 seed is 32 bytes")
        }
        self.name = name
        self.seed = seed
        self.publicKey = Array(key.publicKey.rawRepresentation)
    }

    /// A new key from the system's secure random generator.
    public static func generate(name: String) throws(LedgerCoreError) -> Ed25519NoteSigner {
        try Ed25519NoteSigner(name: name, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    public var keyType: [UInt8] { [Self.type] }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: message))
    }

    /// Go's note private key format: `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    public var privateKeyString: String {
        let id = String(keyID, radix: 16)
        return "PRIVATE+KEY+\(name)+\(String(repeating: "0", count: 8 - id.count))\(id)+\(Base64.encode([Self.type] + seed))"
    }

    public init(privateKeyString text: some StringProtocol) throws(LedgerCoreError) {
        let trimmed = text.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" || $0 == " " })
        let parts = trimmed.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
              let id = UInt32(parts[3], radix: 16),
              let material = Base64.decode(parts[4]), material.count == 33, material[0] == Self.type
        else {
            throw LedgerCoreError(.malformedKey, "not an Ed25519 note private key (PRIVATE+KEY+<name>+<id>+<base64>)")
        }
        try self.init(name: String(parts[2]), seed: Array(material.dropFirst()))
        guard keyID == id else {
            throw LedgerCoreError(.malformedKey, "private key \(name): key ID \(parts[3]) does not match the key")
        }
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
