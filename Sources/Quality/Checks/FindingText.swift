import LedgerCore

/// Fills the catalogue's message and hint templates: `{label}`, `{field}`, `{value}`, `{detail}`.
enum FindingText {
    static let placeholders: Set<String> = ["label", "field", "value", "detail"]

    static func render(_ template: String, label: String, field: String, value: String, detail: String) -> String {
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var output = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = rest[rest.index(after: open)..<close]
            switch name {
            case "label": output += label
            case "field": output += field
            case "value": output += value
            case "detail": output += detail
            default: output += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return output
    }

    /// The first `{name}` in `template` that is not a placeholder, if any.
    static func unknownPlaceholder(in template: String) -> String? {
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            if !placeholders.contains(name) { return name }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }
}
