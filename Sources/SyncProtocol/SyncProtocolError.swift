public import LedgerCore
public import Mirroring

/// Errors in what a peer sent: each is one `ProblemCode`, answered with its HTTP status.
public typealias SyncProtocolError = CodedError<ProblemCode>

extension ProblemCode: ErrorCode {
    public var defaultHint: String {
        switch self {
        case .malformed: "follow Protocol/sync.md: NDJSON canonical entries, one proof line after each package"
        case .badEncoding: "send the body plain, or as one complete gzip stream with Content-Encoding: gzip"
        case .tooLarge: "entries are at most 65,535 bytes; see Protocol/sync.md for the limits"
        case .proofInvalid: "the entries do not match the signed checkpoint; check the province ledger with `creditsync province verify`"
        case .entryRejected: "HQ mirrors only the province's own entries; check the ledger with `creditsync province verify`"
        case .outOfOrder, .conflict: "ask HQ for its state (GET /v1/provinces/{code}) and resume from its next entry"
        default: "see Protocol/sync.md"
        }
    }
}

extension SyncProtocolError {
    /// The HTTP status the server answers with.
    public var httpStatus: Int { codeValue.httpStatus }
}

extension SyncProtocolError {
    /// A package that did not verify, as the problem the client is answered with.
    public init(_ refusal: MirroringError) {
        let code: ProblemCode = switch refusal.codeValue {
        case .outOfOrder: .outOfOrder
        case .proofInvalid: .proofInvalid
        }
        self.init(code, refusal.message, hint: refusal.hint)
    }
}
