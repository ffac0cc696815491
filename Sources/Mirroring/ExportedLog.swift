public import LedgerCore

/// One of HQ's logs as `hq risk export-logs` writes it (Protocol/formats.md §10): its latest
/// signed checkpoint and its entries, checked offline against a key the checker already trusts
/// (never one the export carries): the checkpoint verifies for `origin`, and the entries, in
/// order, give its size and root. Streaming: entries are given one at a time.
public struct ExportedLog: Sendable {
    public let origin: String
    public let checkpoint: VerifiedCheckpoint
    let hasher: TreeHasher
    private var frontier = MerkleFrontier()

    public init(checkpoint text: String, key: any NoteVerifier, suite: Suite, origin: String) throws(ExportedLogError) {
        let checkpoint: VerifiedCheckpoint
        do {
            checkpoint = try UnverifiedCheckpoint(parsing: text).verify(logKey: key, suite: suite.id)
        } catch {
            throw ExportedLogError("the checkpoint of \(origin) does not verify with the key given for it: \(error)")
        }
        guard checkpoint.checkpoint.origin == origin else {
            throw ExportedLogError("the checkpoint is of \(checkpoint.checkpoint.origin), not \(origin)")
        }
        self.origin = origin
        self.checkpoint = checkpoint
        self.hasher = suite.treeHasher
    }

    /// The next entry; its index.
    public mutating func append(_ entry: [UInt8]) throws(ExportedLogError) -> UInt64 {
        let index = frontier.size
        guard index < checkpoint.size else {
            throw ExportedLogError("\(origin) has more entries than its checkpoint's \(checkpoint.size)")
        }
        frontier.append(hasher.leafHash(entry), hasher: hasher)
        return index
    }

    /// After the last entry: the entries are exactly the checkpoint's tree.
    public func finish() throws(ExportedLogError) {
        guard frontier.size == checkpoint.size else {
            throw ExportedLogError("\(origin) has \(frontier.size) entries, its checkpoint \(checkpoint.size)")
        }
        guard frontier.root(hasher: hasher) == checkpoint.root else {
            throw ExportedLogError("the entries of \(origin) do not give its signed root: an entry was changed, dropped, added or reordered")
        }
    }
}

public struct ExportedLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
