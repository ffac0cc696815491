import Crypto

/// A named Ed25519 private key as the note signer (type 0x01) and the cosigner (type 0x04) hold
/// it, with Go's note private-key text `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>`.
///
/// Kept as the raw 32-byte seed: swift-crypto's key types are not Sendable on Linux, and
/// rebuilding one per signature is cheap.
struct Ed25519KeyMaterial: Sendable {
    let name: String
    let type: UInt8
    let seed: [UInt8]
    let publicKey: [UInt8]

    init(name: String, type: UInt8, seed: [UInt8]) throws(LedgerCoreError) {
        guard NoteKeyName.isValid(name) else { throw LedgerCoreError(.malformedKey, "invalid key name \"\(name)\"") }
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw LedgerCoreError(.malformedKey, "an Ed25519 seed is 32 bytes")
        }
        self.name = name
        self.type = type
        self.seed = seed
        self.publicKey = Array(key.publicKey.rawRepresentation)
    }

    /// A new key from the system's secure random generator.
    static func generate(name: String, type: UInt8) throws(LedgerCoreError) -> Ed25519KeyMaterial {
        try Ed25519KeyMaterial(name: name, type: type, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// Parses the private-key text; `kind` names the key in errors ("an Ed25519 note", "a cosigner").
    init(privateKeyString text: some StringProtocol, type: UInt8, kind: String) throws(LedgerCoreError) {
        let trimmed = text.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" || $0 == " " })
        let parts = trimmed.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let id = UInt32(parts[3], radix: 16),
              let material = Base64.decode(parts[4]), material.count == 33, material[0] == type
        else {
            let typeHex = String(type, radix: 16)
            throw LedgerCoreError(.malformedKey, "not \(kind) private key (PRIVATE+KEY+<name>+<id>+<base64(0x\(typeHex.count == 1 ? "0" : "")\(typeHex) || seed)>)")
        }
        try self.init(name: String(parts[2]), type: type, seed: Array(material.dropFirst()))
        guard keyID == id else {
            throw LedgerCoreError(.malformedKey, "private key \(name): key ID \(parts[3]) does not match the key")
        }
    }

    var keyID: UInt32 { NoteKeyID.compute(name: name, keyType: [type], publicKey: publicKey) }

    var privateKeyString: String {
        let id = String(keyID, radix: 16)
        return "PRIVATE+KEY+\(name)+\(String(repeating: "0", count: 8 - id.count))\(id)+\(Base64.encode([type] + seed))"
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: message))
    }
}
