import LedgerCore

/// Dotted paths into a record's JSON.
enum RecordPath {
    static func components(_ path: String) -> [String] {
        path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    static func lookup(_ root: JSONValue, _ components: [String]) -> JSONValue? {
        var current = root
        for component in components {
            guard let next = current.member(component) else { return nil }
            current = next
        }
        return current
    }

    static func lookup(_ root: RecordJSON, _ components: [String]) -> JSONValue? {
        root.lookup(components)
    }

    static func string(_ root: RecordJSON, _ components: [String]) -> String? {
        root.string(components)
    }

    /// True when the value at the path equals `value`, or is an array containing it.
    static func holds(_ root: RecordJSON, _ components: [String], _ value: String) -> Bool {
        holds(root.lookup(components), value)
    }

    /// A string at the path, or nil.
    static func string(_ root: JSONValue, _ components: [String]) -> String? {
        lookup(root, components)?.stringValue
    }

    /// True when the value at the path equals `value`, or is an array containing it.
    static func holds(_ root: JSONValue, _ components: [String], _ value: String) -> Bool {
        holds(lookup(root, components), value)
    }

    static func holds(_ found: JSONValue?, _ value: String) -> Bool {
        switch found {
        case .string(let text): text == value
        case .array(let elements): elements.contains(.string(value))
        default: false
        }
    }

    /// Missing, null, an empty or all-whitespace string, or an empty array.
    static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null: return true
        case .string(let text):
            // A first byte that cannot start a white-space character decides at once (CJK text,
            // visible ASCII); only C2, E1, E2 and E3 can.
            guard let first = text.utf8.first else { return true }
            switch first {
            case 0x21...0x7F, 0xC3...0xE0, 0xE4...0xFF: return false
            default: return text.unicodeScalars.allSatisfy(isBlank)
            }
        case .array(let elements): return elements.isEmpty
        default: return false
        }
    }

    /// White space (Unicode's White_Space property), tested without a property lookup.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// A date or a date-time's civil date.
    static func date(_ text: String) -> CivilDate? {
        CivilDate(iso: text) ?? CivilDate(dateTime: text)
    }
}
