/// A change record with the hashes a store needs, computed before the write transaction so that
/// hashing runs beside the writer (on another core) instead of inside it.
public struct PreparedEntry: Sendable {
    public let record: ChangeRecord
    /// RFC 9162 leaf hash of the canonical bytes.
    public let leafHash: Hash
    /// The suite hash of the record's content bytes (DESIGN §3).
    public let contentHash: Hash

    public init(_ record: ChangeRecord, suite: Suite) {
        self.record = record
        self.leafHash = suite.treeHasher.leafHash(record.canonicalBytes)
        self.contentHash = suite.contentHash(record.contentBytes)
    }
}
