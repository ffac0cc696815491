extension JSONValue {
    /// The value at a dotted path of object members (`entity.name`, `fields.fine_amount`), as
    /// `ContentDiff` and the audit and inspection reports name fields; nil if any step is missing.
    public func value(at path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".", omittingEmptySubsequences: false) { current = current?[String(key)] }
        return current
    }

    /// The value as people read it in a report: a string as written, anything else as its
    /// canonical JSON.
    public var text: String {
        if case .string(let text) = self { return text }
        return String(decoding: CanonicalJSON.encode(self), as: UTF8.self)
    }
}
