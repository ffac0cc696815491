public import LedgerCore

/// The error type of `PKI`.
public typealias PKIError = CodedError<PKIErrorCode>

public enum PKIErrorCode: String, ErrorCode {
    case exists = "pki.exists"
    case unreadable = "pki.unreadable"
    case invalid = "pki.invalid"
    case noProvince = "pki.no-province-identity"
}
