/// Every `Problem.code` of the sync protocol (Protocol/sync.md §6), one typed enum that HQ
/// answers with and the province client acts on. Each code has one HTTP status and one way for
/// a client to recover, so client errors never look like HQ failures and a province never
/// retries forever what can only fail again.
public enum ProblemCode: String, Sendable, CaseIterable {
    case forbidden = "hq.forbidden"
    case revoked = "hq.revoked"
    case notEnrolled = "hq.not-enrolled"
    case signatureInvalid = "hq.signature-invalid"
    case fork = "hq.fork"
    case conflict = "hq.conflict"
    case stale = "hq.stale"
    case uploadInProgress = "hq.upload-in-progress"
    case shuttingDown = "hq.shutting-down"
    case unavailable = "hq.unavailable"
    case badRequest = "hq.bad-request"
    case notFound = "hq.not-found"
    case `internal` = "hq.internal"
    case malformed = "sync.malformed"
    case badEncoding = "sync.bad-encoding"
    case tooLarge = "sync.too-large"
    case proofInvalid = "sync.proof-invalid"
    case entryRejected = "sync.entry-rejected"
    case outOfOrder = "sync.conflict"

    public var httpStatus: Int {
        switch self {
        case .badRequest, .malformed, .badEncoding: 400
        case .forbidden, .revoked, .signatureInvalid: 403
        case .notEnrolled, .notFound: 404
        case .fork, .conflict, .stale, .uploadInProgress, .outOfOrder: 409
        case .tooLarge: 413
        case .proofInvalid, .entryRejected: 422
        case .internal: 500
        case .shuttingDown, .unavailable: 503
        }
    }

    /// What a province client does on this answer.
    public enum Recovery: Sendable, Equatable {
        /// Ask HQ for its state again and continue from it (after a short pause).
        case resumeFromState
        /// HQ cannot serve now; the sync exits as unreachable and the next run resumes.
        case retryLater
        /// Retrying cannot help: stop with the protocol-error exit code and tell the operator.
        case stop
    }

    public var recovery: Recovery {
        switch self {
        case .conflict, .uploadInProgress, .outOfOrder: .resumeFromState
        case .shuttingDown, .unavailable, .internal: .retryLater
        case .forbidden, .revoked, .notEnrolled, .signatureInvalid, .fork, .stale, .badRequest, .notFound,
             .malformed, .badEncoding, .tooLarge, .proofInvalid, .entryRejected: .stop
        }
    }
}
