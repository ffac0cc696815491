/// A provincial-level division code: six digits ending in `0000` (GB/T 2260, e.g. `440000`),
/// or a regulator without one such as the XPCC (`660000`). Which codes exist is domain data
/// (`Quality`'s code tables); this type only checks the shape.
public struct ProvinceCode: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(LedgerCoreError) {
        guard Self.isSixDigits(text), text.hasSuffix("0000"), !text.hasPrefix("00") else {
            throw LedgerCoreError(.invalidField, "\"\(text)\" is not a province code (six digits ending in 0000, e.g. 440000)")
        }
        self.rawValue = text
    }

    public var description: String { rawValue }

    /// Six ASCII digits: the shape of every division code (a province's, and those in a USCC or
    /// a certificate's SAN URI). The one place that shape is checked.
    public static func isSixDigits(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 6 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The default log origin of this province's ledger.
    public var defaultOrigin: String { "creditsync.samr/province/\(rawValue)" }
}
