/// The identifiers of the cryptographic suites a ledger can be created with (DESIGN §4).
/// A ledger's suite is fixed at creation and recorded with it.
public enum SuiteID: String, Sendable, CaseIterable {
    /// SHA-256 trees, Ed25519 note signatures: verifiable with C2SP/Go tooling. The default.
    case sha256Ed25519 = "sha256-ed25519"
    /// SM3 trees, SM2-with-SM3 signatures (GB/T 32905, GB/T 32918), from the system OpenSSL 3.
    case sm3SM2 = "sm3-sm2"

    public init(parsing text: String) throws(LedgerCoreError) {
        guard let id = SuiteID(rawValue: text) else {
            throw LedgerCoreError(.unknownSuite, "unknown suite \"\(text)\"")
        }
        self = id
    }
}

/// A hash function and a signature scheme that together define a ledger's cryptography.
public struct Suite: Sendable {
    public let id: SuiteID
    public let hash: any HashAlgorithm
    public let signatures: any SignatureScheme
    public let treeHasher: TreeHasher

    public init(id: SuiteID, hash: any HashAlgorithm, signatures: any SignatureScheme) {
        self.id = id
        self.hash = hash
        self.signatures = signatures
        self.treeHasher = TreeHasher(hash)
    }

    /// The default suite, all on swift-crypto.
    public static let sha256Ed25519 = Suite(id: .sha256Ed25519, hash: SHA256Algorithm(), signatures: Ed25519Scheme())

    /// Content hash of a record (DESIGN §3): the suite hash of its canonical content bytes.
    public func contentHash(_ contentBytes: [UInt8]) -> Hash {
        hash.hash(contentBytes)
    }
}

/// A signature scheme as a suite uses it: key generation, key files, signers and verifiers.
public protocol SignatureScheme: Sendable {
    /// The C2SP signature type that prefixes this scheme's keys in verifier key strings.
    var keyType: [UInt8] { get }
    /// A new signing key named `name`.
    func generateKey(name: String) throws -> GeneratedSigningKey
    /// A signer from the private key file `generateKey` wrote.
    func loadSigner(name: String, privateKeyFile: String) throws -> any NoteSigner
    /// A verifier for `publicKey`, the material after `keyType` in a verifier key string.
    func verifier(name: String, publicKey: [UInt8]) throws -> any NoteVerifier
}

/// A freshly generated key and the files that hold it.
public struct GeneratedSigningKey: Sendable {
    public var signer: any NoteSigner
    /// The private key file's contents; written with mode 0600.
    public var privateKeyFile: String
    /// A PEM public key file, for schemes that have one (SM2: SubjectPublicKeyInfo).
    public var publicKeyPEM: String?

    public init(signer: any NoteSigner, privateKeyFile: String, publicKeyPEM: String? = nil) {
        self.signer = signer
        self.privateKeyFile = privateKeyFile
        self.publicKeyPEM = publicKeyPEM
    }
}

/// Ed25519 note keys stored in Go's note private key format.
public struct Ed25519Scheme: SignatureScheme {
    public init() {}

    public var keyType: [UInt8] { [Ed25519NoteSigner.type] }

    public func generateKey(name: String) throws -> GeneratedSigningKey {
        let signer = try Ed25519NoteSigner.generate(name: name)
        return GeneratedSigningKey(signer: signer, privateKeyFile: signer.privateKeyString + "\n")
    }

    public func loadSigner(name: String, privateKeyFile: String) throws -> any NoteSigner {
        let signer = try Ed25519NoteSigner(privateKeyString: privateKeyFile)
        guard signer.name == name else {
            throw LedgerCoreError(.keyMismatch, "the private key is named \(signer.name), expected \(name)")
        }
        return signer
    }

    public func verifier(name: String, publicKey: [UInt8]) throws -> any NoteVerifier {
        try Ed25519NoteVerifier(name: name, publicKey: publicKey)
    }
}
