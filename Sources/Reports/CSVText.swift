import Foundation

/// RFC 4180 fields: quoted when they hold a comma, quote, CR or LF; quotes doubled. A leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet shows the value instead of
/// evaluating it (CSV injection: finding values come from province data).
public enum CSVText {
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    /// UTF-8 byte order mark: Excel reads a CSV as UTF-8 only with it.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
