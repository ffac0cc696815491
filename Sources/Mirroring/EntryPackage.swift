public import LedgerCore

/// One package of an upload, parsed and ready to verify.
public struct EntryPackage: Sendable {
    public var range: Range<UInt64>
    public var records: [ChangeRecord]
    public var proof: [Hash]
    /// Bytes of the entries, for accounting.
    public var byteCount: Int

    public init(range: Range<UInt64>, records: [ChangeRecord], proof: [Hash], byteCount: Int) {
        self.range = range
        self.records = records
        self.proof = proof
        self.byteCount = byteCount
    }
}
