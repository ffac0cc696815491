import LedgerCore

/// Errors in what a peer sent: each is one `ProblemCode`, answered with its HTTP status.
public struct SyncProtocolError: OperatorError, Equatable {
    public var codeValue: ProblemCode
    public var message: String
    public var hint: String
    public var code: String { codeValue.rawValue }

    public init(_ code: ProblemCode, _ message: String, hint: String? = nil) {
        self.codeValue = code
        self.message = message
        self.hint = hint ?? {
            switch code {
            case .malformed: "follow Protocol/sync.md: NDJSON canonical entries, one proof line after each package"
            case .badEncoding: "send the body plain, or as one complete gzip stream with Content-Encoding: gzip"
            case .tooLarge: "entries are at most 65,535 bytes; see Protocol/sync.md for the limits"
            case .proofInvalid: "the entries do not match the signed checkpoint; check the province ledger with `creditsync province verify`"
            case .entryRejected: "HQ mirrors only the province's own entries; check the ledger with `creditsync province verify`"
            case .outOfOrder, .conflict: "ask HQ for its state (GET /v1/provinces/{code}) and resume from its next entry"
            default: "see Protocol/sync.md"
            }
        }()
    }

    /// The HTTP status the server answers with.
    public var httpStatus: Int { codeValue.httpStatus }
}
