import Crypto

/// Signs note text for one key. `keyType` is the C2SP signature type (one byte, or 0xff plus an
/// identifier) and `publicKey` the key material that follows it in the verifier key.
public protocol NoteSigner: Sendable {
    var name: String { get }
    var keyType: [UInt8] { get }
    var publicKey: [UInt8] { get }
    func sign(_ message: [UInt8]) throws -> [UInt8]
}

/// Verifies signatures of one key over note text.
public protocol NoteVerifier: Sendable {
    var name: String { get }
    var keyID: UInt32 { get }
    func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool
}

extension NoteSigner {
    public var keyID: UInt32 { NoteKeyID.compute(name: name, keyType: keyType, publicKey: publicKey) }

    /// `<name>+<8 hex>+<base64(type || public key)>`.
    public var verifierKey: String {
        VerifierKey(name: name, keyType: keyType, publicKey: publicKey).string
    }

    /// Signs `text` and returns its signature line.
    public func signature(for text: String) throws -> NoteSignature {
        NoteSignature(name: name, keyID: keyID, signature: try sign(Array(text.utf8)))
    }
}

public enum NoteKeyID {
    /// C2SP signed-note: SHA-256(name || 0x0A || type || public key)[:4], big-endian. Fixed by the
    /// note format for every key type, so it is not a suite's hash.
    public static func compute(name: String, keyType: [UInt8], publicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8))
        hasher.update(data: [0x0A])
        hasher.update(data: keyType)
        hasher.update(data: publicKey)
        return hasher.finalize().prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}

/// A parsed verifier key string `<name>+<hex key ID>+<base64(type || key)>`. The key ID must
/// match the one computed from the rest. Which type it is decides who builds the verifier.
public struct VerifierKey: Sendable, Equatable {
    public var name: String
    /// Type and key material together, as the base64 part carries them.
    public var typeAndKey: [UInt8]

    public init(name: String, keyType: [UInt8], publicKey: [UInt8]) {
        self.name = name
        self.typeAndKey = keyType + publicKey
    }

    public var keyID: UInt32 {
        NoteKeyID.compute(name: name, keyType: [], publicKey: typeAndKey)
    }

    public var string: String {
        let id = String(keyID, radix: 16)
        return "\(name)+\(String(repeating: "0", count: 8 - id.count))\(id)+\(Base64.encode(typeAndKey))"
    }

    public init(parsing text: some StringProtocol) throws(LedgerCoreError) {
        let trimmed = text.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" || $0 == " " })
        let parts = trimmed.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, NoteKeyName.isValid(parts[0]), parts[1].utf8.count == 8,
              let id = UInt32(parts[1], radix: 16),
              let material = Base64.decode(parts[2]), !material.isEmpty
        else {
            throw LedgerCoreError(.malformedKey, "not a verifier key string (<name>+<8 hex>+<base64>): \(trimmed.prefix(80))")
        }
        self.name = String(parts[0])
        self.typeAndKey = material
        guard keyID == id else {
            throw LedgerCoreError(.malformedKey, "verifier key \(name): key ID \(parts[1]) does not match the key")
        }
    }
}

extension StringProtocol {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> SubSequence {
        var end = endIndex
        while end > startIndex {
            let before = index(before: end)
            guard predicate(self[before]) else { break }
            end = before
        }
        return self[startIndex..<end]
    }
}
