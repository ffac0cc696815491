import LedgerCore

extension StoredCheckpoint {
    /// For `fsck` on either backend: each stored checkpoint verified with `keys`, its columns
    /// equal to its signed note, of `origin`; the first that is not, as a `VerificationFailure`
    /// naming it (`noun`: "checkpoint", "feed checkpoint").
    public static func verified(_ stored: [StoredCheckpoint], keys: LogKeyHistory, suite: Suite, origin: String, noun: String) throws -> [Checkpoint] {
        try stored.map { stored in
            let checkpoint: VerifiedCheckpoint
            do {
                checkpoint = try keys.verify(UnverifiedCheckpoint(parsing: stored.note), suite: suite.id)
            } catch {
                throw VerificationFailure("the \(noun) of size \(stored.size) does not verify: \(error)", index: stored.size)
            }
            guard checkpoint.size == stored.size, checkpoint.root == stored.root, checkpoint.checkpoint.origin == origin else {
                throw VerificationFailure("the stored columns of \(noun) \(stored.size) disagree with its signed note", index: stored.size)
            }
            return checkpoint.checkpoint
        }
    }
}
