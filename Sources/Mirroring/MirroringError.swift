public import LedgerCore

/// Why a package of entries did not verify. The codes are the sync protocol's problem codes for
/// the same refusals (`Protocol/sync.md`), so HQ answers a client with them unchanged.
public typealias MirroringError = CodedError<MirroringErrorCode>

public enum MirroringErrorCode: String, ErrorCode {
    /// The package does not start at the mirror's next entry.
    case outOfOrder = "sync.conflict"
    /// The package's entries are not those of the signed checkpoint.
    case proofInvalid = "sync.proof-invalid"

    public var defaultHint: String {
        switch self {
        case .outOfOrder: "ask HQ for its state (GET /v1/provinces/{code}) and resume from its next entry"
        case .proofInvalid: "the entries do not match the signed checkpoint; check the province ledger with `creditsync province verify`"
        }
    }
}
