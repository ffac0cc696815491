import LedgerCore

/// The paths at which two records' contents differ: members of objects are followed
/// (`entity.name`, `fields.fine_amount`), anything else (arrays, scalars) is compared whole.
public enum ContentDiff {
    /// Differing paths among the content members (`StateRow.contentKeys`), sorted by bytes.
    public static func paths(_ a: StateRow, _ b: StateRow) -> [String] {
        var paths: [String] = []
        let (left, right) = (a.value, b.value)
        for key in StateRow.contentKeys {
            switch (left[key], right[key]) {
            case let (x?, y?): collect(x, y, prefix: key, into: &paths)
            case (nil, nil): break
            default: paths.append(key)
            }
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func collect(_ a: JSONValue, _ b: JSONValue, prefix: String, into paths: inout [String]) {
        guard case .object(let left) = a, case .object(let right) = b else {
            if !StateRow.identical(a, b) { paths.append(prefix) }
            return
        }
        var keys = left.map(\.key)
        for member in right where !keys.contains(where: { $0.hasSameBytes(as: member.key) }) { keys.append(member.key) }
        for key in keys {
            let path = prefix + "." + key
            switch (a[key], b[key]) {
            case let (x?, y?): collect(x, y, prefix: path, into: &paths)
            case (nil, nil): break
            default: paths.append(path)
            }
        }
    }
}
