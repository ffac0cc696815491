import LedgerCore

/// A value of an operator-edited JSON file (rules, calendar) with the key path that led to it,
/// so every validation error names the exact key: `categories.admin_penalty.fields.fine_amount.format`.
struct ConfigNode {
    let value: JSONValue
    let path: String
    let code: QualityError.Code

    init(parsing bytes: [UInt8], code: QualityError.Code, file: String) throws(QualityError) {
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw QualityError(code, "\(file) is not valid JSON: \(error.message)")
        }
        path = ""
        self.code = code
    }

    init(_ value: JSONValue, path: String, code: QualityError.Code) {
        self.value = value
        self.path = path
        self.code = code
    }

    func error(_ message: String, at key: String? = nil) -> QualityError {
        QualityError(code, message, key: key.map(child) ?? (path.isEmpty ? "(top level)" : path))
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The members of an object, in file order; `allowed` rejects misspelt keys.
    func members(allowed: Set<String>? = nil) throws(QualityError) -> [(key: String, node: ConfigNode)] {
        guard case .object(let members) = value else { throw error("expected an object") }
        if let allowed {
            for member in members where !allowed.contains(member.key) {
                throw error("unknown key; expected one of \(allowed.sorted().joined(separator: ", "))", at: member.key)
            }
        }
        return members.map { ($0.key, ConfigNode($0.value, path: child($0.key), code: code)) }
    }

    func optional(_ key: String) -> ConfigNode? {
        guard let member = value[key], member != .null else { return nil }
        return ConfigNode(member, path: child(key), code: code)
    }

    func required(_ key: String) throws(QualityError) -> ConfigNode {
        guard case .object = value else { throw error("expected an object") }
        guard let node = optional(key) else { throw error("missing required key", at: key) }
        return node
    }

    func string() throws(QualityError) -> String {
        guard case .string(let text) = value else { throw error("expected a string") }
        return text
    }

    func nonEmptyString() throws(QualityError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    func bool() throws(QualityError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false") }
        return flag
    }

    func int(in range: ClosedRange<Int>) throws(QualityError) -> Int {
        guard case .number(let number) = value, number.rounded() == number, Double(range.lowerBound) <= number,
              number <= Double(range.upperBound) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number)
    }

    func number(in range: ClosedRange<Double>) throws(QualityError) -> Double {
        guard case .number(let number) = value, range.contains(number) else {
            throw error("expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func elements() throws(QualityError) -> [ConfigNode] {
        guard case .array(let elements) = value else { throw error("expected an array") }
        return elements.enumerated().map { ConfigNode($0.element, path: "\(path)[\($0.offset)]", code: code) }
    }

    func strings() throws(QualityError) -> [String] {
        var result: [String] = []
        for element in try elements() { result.append(try element.string()) }
        return result
    }

    func date() throws(QualityError) -> CivilDate {
        guard let date = CivilDate(iso: try string()) else { throw error("expected a date YYYY-MM-DD") }
        return date
    }
}
