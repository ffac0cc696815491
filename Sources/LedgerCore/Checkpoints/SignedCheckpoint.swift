/// A checkpoint as it arrives from a file or the network: parsed, not yet trusted.
public struct UnverifiedCheckpoint: Sendable, Equatable {
    public let note: SignedNote
    public let checkpoint: Checkpoint

    public init(parsing text: String) throws(LedgerCoreError) {
        let note = try SignedNote.parse(text)
        self.note = note
        self.checkpoint = try Checkpoint.parse(body: note.text)
    }

    /// Verifies the log's signature: `verifier` must be the log's key, named as the origin.
    public func verify(logKey verifier: any NoteVerifier, suite: SuiteID) throws(LedgerCoreError) -> VerifiedCheckpoint {
        try verify(logKeys: [verifier], suite: suite)
    }

    /// Verifies the log's signature with any of `verifiers` (a log's keys valid at this size,
    /// all named as the origin): C2SP rules, so a signature by one of them that fails is an error.
    public func verify(logKeys verifiers: [any NoteVerifier], suite: SuiteID) throws(LedgerCoreError) -> VerifiedCheckpoint {
        for verifier in verifiers where verifier.name != checkpoint.origin {
            throw LedgerCoreError(.keyMismatch, "checkpoint origin \(checkpoint.origin) is not the key name \(verifier.name)",
                                  hint: "the log's key name must equal its origin")
        }
        guard checkpoint.suite == suite else {
            throw LedgerCoreError(.malformedCheckpoint, "checkpoint declares suite \(checkpoint.extensions), expected \(suite.rawValue)")
        }
        try note.verify(verifiers)
        return VerifiedCheckpoint(checkpoint: checkpoint, note: note)
    }
}

/// A checkpoint whose log signature has been verified (or that this node just signed).
/// Storage accepts only these.
public struct VerifiedCheckpoint: Sendable, Equatable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// Signs `checkpoint` with the log's key.
    public static func sign(_ checkpoint: Checkpoint, with signer: any NoteSigner) throws -> VerifiedCheckpoint {
        try sign(checkpoint, with: [signer])
    }

    /// Signs `checkpoint` with several keys of the log: a key rotation's checkpoint carries the
    /// old and the new key's signatures (DESIGN §4).
    public static func sign(_ checkpoint: Checkpoint, with signers: [any NoteSigner]) throws -> VerifiedCheckpoint {
        let body = checkpoint.body
        let signatures = try signers.map { try $0.signature(for: body) }
        return VerifiedCheckpoint(checkpoint: checkpoint, note: SignedNote(text: body, signatures: signatures))
    }

    /// The signed note text, exactly as stored and sent.
    public var text: String { note.serialized }

    public var size: UInt64 { checkpoint.size }
    public var root: Hash { checkpoint.root }

    /// The same checkpoint with more signatures (cosignatures) appended.
    public func adding(_ signatures: [NoteSignature]) -> VerifiedCheckpoint {
        VerifiedCheckpoint(checkpoint: checkpoint, note: SignedNote(text: note.text, signatures: note.signatures + signatures))
    }
}
