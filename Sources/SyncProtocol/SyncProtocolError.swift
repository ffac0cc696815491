import LedgerCore

/// Errors in what a peer sent: each maps to one HTTP status of the sync protocol.
public struct SyncProtocolError: OperatorError, Equatable {
    public enum Code: String, Sendable {
        case malformed = "sync.malformed"
        case tooLarge = "sync.too-large"
        case proofInvalid = "sync.proof-invalid"
        case conflict = "sync.conflict"
    }

    public var codeValue: Code
    public var message: String
    public var hint: String
    public var code: String { codeValue.rawValue }

    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.codeValue = code
        self.message = message
        self.hint = hint ?? {
            switch code {
            case .malformed: "follow Protocol/sync.md: NDJSON canonical entries, one proof line after each package"
            case .tooLarge: "entries are at most 64 KiB; see Protocol/sync.md for the limits"
            case .proofInvalid: "the entries do not match the signed checkpoint; check the province ledger with `creditsync province verify`"
            case .conflict: "ask HQ for its state (GET /v1/provinces/{code}) and resume from its next entry"
            }
        }()
    }

    /// The HTTP status the server answers with.
    public var httpStatus: Int {
        switch codeValue {
        case .malformed: 400
        case .tooLarge: 413
        case .proofInvalid: 422
        case .conflict: 409
        }
    }
}
