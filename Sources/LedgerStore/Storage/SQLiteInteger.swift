public import LedgerCore

/// Checked conversions between log sizes and indexes (UInt64) and SQLite's signed 64-bit
/// integers. Callers bound numbers where they are parsed (`LogLimits`); this is the store's own
/// guard, so a number that slipped through is an error, never a trap.
public enum SQLiteInteger {
    public static func from(_ value: UInt64) throws(LedgerStoreError) -> Int64 {
        guard let integer = Int64(exactly: value) else {
            throw LedgerStoreError(.indexOutOfRange, "\(value) is beyond the largest log size a store holds (\(LogLimits.maximumSize))",
                                   hint: "sizes and indexes are below 2^63")
        }
        return integer
    }

    public static func size(_ value: Int64) throws(LedgerStoreError) -> UInt64 {
        guard value >= 0 else { throw LedgerStoreError.corrupt("a stored size or index is negative (\(value))", index: nil) }
        return UInt64(value)
    }
}
