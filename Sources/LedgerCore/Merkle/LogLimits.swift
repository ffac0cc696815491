/// Bounds every log size and index is checked against where it is parsed (checkpoints, proofs,
/// request parameters, command-line options): stores keep them as signed 64-bit integers
/// (SQLite, PostgreSQL `bigint`), so a larger number is bad input, never a trap.
public enum LogLimits {
    /// The largest tree size or entry index a log may reach: 2^63 − 1.
    public static let maximumSize = UInt64(Int64.max)

    /// Parses a decimal size or index: digits only, no sign, no leading zeros, at most
    /// `maximumSize`. Nil for anything else.
    public static func parseSize(_ text: some StringProtocol) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              text.utf8.count == 1 || text.utf8.first != 0x30,
              let value = UInt64(text), value <= maximumSize
        else { return nil }
        return value
    }
}
