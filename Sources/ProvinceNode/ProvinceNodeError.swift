import LedgerCore

/// The error type of `ProvinceNode`.
public struct ProvinceNodeError: OperatorError, Equatable {
    public enum Code: String, Sendable {
        case ledgerExists = "province.ledger-exists"
        case noLedger = "province.no-ledger"
        case keyFile = "province.key-file"
        case unknownProvince = "province.unknown-code"
        case input = "province.input"
        case configuration = "province.configuration"
        case unreachable = "sync.unreachable"
        case refused = "sync.refused"
        case protocolViolation = "sync.protocol"
        case receiptInvalid = "sync.receipt-invalid"
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
