import LedgerCore

/// Typed access to the members of a JSON object read from a file, with errors that name the
/// file kind and the member.
struct JSONReader {
    let value: JSONValue
    let what: String

    func member(_ key: String) throws(InspectionError) -> JSONValue {
        guard let member = value[key] else { throw malformed("has no \"\(key)\"") }
        return member
    }

    func string(_ key: String) throws(InspectionError) -> String {
        guard case .string(let text) = try member(key) else { throw malformed("\"\(key)\" is not a string") }
        return text
    }

    func optionalString(_ key: String) throws(InspectionError) -> String? {
        guard let member = value[key], member != .null else { return nil }
        guard case .string(let text) = member else { throw malformed("\"\(key)\" is not a string") }
        return text
    }

    /// A non-negative integer that a JSON number holds exactly.
    func integer(_ key: String) throws(InspectionError) -> UInt64 {
        guard case .number(let number) = try member(key), number >= 0, number <= 9_007_199_254_740_992, number.rounded() == number else {
            throw malformed("\"\(key)\" is not a non-negative integer")
        }
        return UInt64(number)
    }

    func object(_ key: String) throws(InspectionError) -> JSONReader {
        let member = try member(key)
        guard case .object = member else { throw malformed("\"\(key)\" is not an object") }
        return JSONReader(value: member, what: "\(what) \(key)")
    }

    func array(_ key: String) throws(InspectionError) -> [JSONReader] {
        guard case .array(let items) = try member(key) else { throw malformed("\"\(key)\" is not an array") }
        return items.map { JSONReader(value: $0, what: "\(what) \(key)") }
    }

    func malformed(_ detail: String) -> InspectionError {
        InspectionError(.malformed, "the \(what) \(detail)", hint: "the file is damaged or not the kind this command reads")
    }
}
