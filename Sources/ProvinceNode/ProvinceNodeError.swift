public import LedgerCore

/// The error type of `ProvinceNode`.
public typealias ProvinceNodeError = CodedError<ProvinceNodeErrorCode>

public enum ProvinceNodeErrorCode: String, ErrorCode {
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
