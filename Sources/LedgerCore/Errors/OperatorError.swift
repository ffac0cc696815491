/// An error meant for a person running CreditSync: a stable code, what went wrong, and what to do.
///
/// Every module has one error type conforming to this protocol. The CLI prints
/// `error: <message>` and `hint: <hint>`; servers log `code` and send only client errors.
public protocol OperatorError: Error, CustomStringConvertible, Sendable {
    /// Stable identifier, e.g. `json.duplicate-key`. Scripts and tests match on it.
    var code: String { get }
    /// What went wrong, naming the input that caused it.
    var message: String { get }
    /// What the operator can do about it.
    var hint: String { get }
}

extension OperatorError {
    public var description: String { "\(message) [\(code)]" }
}
