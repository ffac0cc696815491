import LedgerCore

/// The error type of `PKI`.
public struct PKIError: OperatorError {
    public enum Code: String, Sendable {
        case exists = "pki.exists"
        case unreadable = "pki.unreadable"
        case invalid = "pki.invalid"
        case noProvince = "pki.no-province-identity"
    }

    public var codeValue: Code
    public var message: String
    public var hint: String
    public var code: String { codeValue.rawValue }

    public init(_ code: Code, _ message: String, hint: String) {
        self.codeValue = code
        self.message = message
        self.hint = hint
    }
}
