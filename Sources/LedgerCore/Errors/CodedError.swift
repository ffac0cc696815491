/// A module's error codes: stable strings (`store.corrupt`) that scripts and tests match on.
public protocol ErrorCode: RawRepresentable, Hashable, Sendable where RawValue == String {
    /// What an error of this code is about, where the module says more than a message can
    /// (the first bad log index, the rules key, where an upload stands); `Never` where nothing.
    associatedtype Detail: Sendable & Equatable = Never

    /// The hint of an error of this code whose thrower gives none.
    var defaultHint: String { get }
}

extension ErrorCode {
    public var defaultHint: String { "see the operator guide (ops/README.md) for this code" }
}

/// The one error type of every module: a code from the module's own `ErrorCode` enum, a message
/// naming the input that caused it, a hint saying what to do, and the code's detail. Each module
/// names its instance (`typealias LedgerStoreError = CodedError<LedgerStoreErrorCode>`), so
/// `LedgerStoreError(.corrupt, …)` and `LedgerStoreError.Code.corrupt` read as before.
public struct CodedError<Codes: ErrorCode>: OperatorError, Equatable {
    public typealias Code = Codes

    public var codeValue: Code
    public var message: String
    public var hint: String
    public var detail: Code.Detail?

    public var code: String { codeValue.rawValue }

    public init(_ code: Code, _ message: String, hint: String, detail: Code.Detail? = nil) {
        self.codeValue = code
        self.message = message
        self.hint = hint
        self.detail = detail
    }

    /// An error with its code's default hint.
    public init(_ code: Code, _ message: String) {
        self.init(code, message, hint: code.defaultHint)
    }
}

extension CodedError where Code.Detail == UInt64 {
    /// For verification failures: the first log index found bad.
    public var index: UInt64? { detail }

    public init(_ code: Code, _ message: String, hint: String, index: UInt64?) {
        self.init(code, message, hint: hint, detail: index)
    }
}
