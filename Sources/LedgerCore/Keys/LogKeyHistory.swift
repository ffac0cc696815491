/// The signing keys a log has had, oldest first (DESIGN §4, key rotation). Key i signs the
/// checkpoints of sizes [from_i, from_{i+1}]: a rotation is announced by the checkpoint of size
/// from_{i+1}, which carries both keys' signatures, so every old checkpoint still verifies and
/// no checkpoint beyond the rotation verifies with the old key.
public struct LogKeyHistory: Sendable {
    public struct Key: Sendable {
        /// The verifier key string (`<name>+<id>+<base64>`).
        public let verifierKey: String
        /// The first tree size this key signs.
        public let fromSize: UInt64
        public let verifier: any NoteVerifier
    }

    public let keys: [Key]

    /// `keys` oldest first, with increasing `fromSize` (the first from 0); all of `suite` and
    /// named as the log's origin.
    public init(_ keys: [(verifierKey: String, fromSize: UInt64)], suite: Suite) throws(LedgerCoreError) {
        guard let first = keys.first, first.fromSize == 0 else {
            throw LedgerCoreError(.malformedKey, "a log's key history starts with its first key at size 0")
        }
        var built: [Key] = []
        for (verifierKey, fromSize) in keys {
            if let last = built.last, fromSize < last.fromSize {
                throw LedgerCoreError(.malformedKey, "the key history is not in order of size at \(fromSize)")
            }
            let verifier = try suite.verifier(forKey: verifierKey)
            if let name = built.first?.verifier.name, verifier.name != name {
                throw LedgerCoreError(.keyMismatch, "key \(verifier.name) of the history is not named as the log (\(name))")
            }
            built.append(Key(verifierKey: try VerifierKey(parsing: verifierKey).string, fromSize: fromSize, verifier: verifier))
        }
        self.keys = built
    }

    /// The key that signs new checkpoints.
    public var current: Key { keys[keys.count - 1] }

    /// The keys whose range covers a checkpoint of `size`.
    public func verifiers(forSize size: UInt64) -> [any NoteVerifier] {
        keys.indices.filter { i in
            keys[i].fromSize <= size && (i + 1 == keys.count || size <= keys[i + 1].fromSize)
        }.map { keys[$0].verifier }
    }

    /// Verifies a checkpoint with the keys valid at its size.
    public func verify(_ checkpoint: UnverifiedCheckpoint, suite: SuiteID) throws(LedgerCoreError) -> VerifiedCheckpoint {
        let verifiers = verifiers(forSize: checkpoint.checkpoint.size)
        guard !verifiers.isEmpty else {
            throw LedgerCoreError(.noTrustedSignature, "no key of this log signs checkpoints of size \(checkpoint.checkpoint.size)")
        }
        return try checkpoint.verify(logKeys: verifiers, suite: suite)
    }
}

extension Suite {
    /// A verifier for a log key of this suite, from its verifier key string.
    public func verifier(forKey text: String) throws(LedgerCoreError) -> any NoteVerifier {
        let key = try VerifierKey(parsing: text)
        let type = signatures.keyType
        guard key.typeAndKey.starts(with: type) else {
            throw LedgerCoreError(.keyMismatch, "verifier key \(key.name) is not a \(id.rawValue) key",
                                  hint: "a log's keys are all of the log's suite")
        }
        do {
            return try signatures.verifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst(type.count)))
        } catch let error as LedgerCoreError {
            throw error
        } catch {
            throw LedgerCoreError(.malformedKey, "verifier key \(key.name): \(error)")
        }
    }
}
