public import LedgerCore

/// Why a feed delivery was refused; the sync exits with the protocol-error code. Make one with
/// `FeedError.refused`, which marks the message as a refusal.
public typealias FeedError = CodedError<FeedErrorCode>

public enum FeedErrorCode: String, ErrorCode {
    case malformed = "feed.malformed"
    case wrongFeed = "feed.wrong-feed"
    case signatureInvalid = "feed.signature-invalid"
    case rollback = "feed.rollback"
    case historyRewritten = "feed.history-rewritten"
    case proofInvalid = "feed.proof-invalid"
    case entryRejected = "feed.entry-rejected"
    /// HQ's view of the feed (its cosigned latest checkpoint) is missing or does not verify.
    case viewInvalid = "feed.view-invalid"
    /// HQ's view of the feed is older than the province accepts.
    case staleView = "feed.stale-view"

    public var defaultHint: String {
        switch self {
        case .signatureInvalid, .wrongFeed: "check hq_feed_key against `creditsync hq enroll` output for this province; nothing was applied"
        case .rollback, .historyRewritten: "HQ showed this province a feed history that contradicts the one it accepted: keep this ledger as evidence and contact HQ; nothing was applied"
        case .staleView: "HQ's signed view of its feed is older than feed_view_max_age_seconds: HQ may be withholding entries, or an old answer was replayed; nothing was applied, contact HQ"
        case .viewInvalid: "check hq_key and hq_feed_key against HQ's; nothing was applied"
        default: "the delivery was refused whole and nothing was applied; run the sync again, and contact HQ if it fails again"
        }
    }
}

extension FeedError {
    /// A refused delivery: the message starts with `FEED REFUSED:`, the hint is the code's.
    public static func refused(_ code: Code, _ message: String) -> FeedError {
        FeedError(code, "FEED REFUSED: " + message)
    }
}
