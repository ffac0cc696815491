/// The error type of `PKI`. (PKI does not import LedgerCore; the CLI adapts it.)
public struct PKIError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case exists = "pki.exists"
        case unreadable = "pki.unreadable"
        case invalid = "pki.invalid"
        case noProvince = "pki.no-province-identity"
    }

    public var code: Code
    public var message: String
    public var hint: String

    public init(_ code: Code, _ message: String, hint: String) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(message) [\(code.rawValue)]" }
}
