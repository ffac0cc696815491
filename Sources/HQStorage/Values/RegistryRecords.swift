public import Foundation

/// One thing that happened in a province's sync (accepted, refused, completed), for operators.
public struct SyncEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case checkpoint
        case upload
        case refusal
        case enrolment
        /// A province cosigned a feed checkpoint (delivery confirmed).
        case feed
    }

    public var province: String
    public var at: Date
    public var kind: Kind
    public var outcome: String
    public var entries: Int
    public var bytes: Int
    public var size: UInt64?
    /// Free text; for refused checkpoints the signed note as received (kept as evidence).
    public var detail: String?

    public init(province: String, at: Date, kind: Kind, outcome: String, entries: Int = 0, bytes: Int = 0, size: UInt64? = nil, detail: String? = nil) {
        self.province = province
        self.at = at
        self.kind = kind
        self.outcome = outcome
        self.entries = entries
        self.bytes = bytes
        self.size = size
        self.detail = detail
    }
}

/// Proof of a fork: two signed checkpoints of one size with different roots, or a signed
/// checkpoint whose root differs from that of the entries HQ holds.
public struct ForkEvidence: Sendable, Equatable {
    public var province: String
    public var detectedAt: Date
    public var reason: String
    public var heldCheckpoint: String?
    public var submittedCheckpoint: String
    public var proof: String?

    public init(province: String, detectedAt: Date, reason: String, heldCheckpoint: String?, submittedCheckpoint: String, proof: String?) {
        self.province = province
        self.detectedAt = detectedAt
        self.reason = reason
        self.heldCheckpoint = heldCheckpoint
        self.submittedCheckpoint = submittedCheckpoint
        self.proof = proof
    }
}

public struct Alarm: Sendable, Equatable {
    public var province: String?
    public var raisedAt: Date
    public var kind: String
    public var message: String

    public init(province: String?, raisedAt: Date, kind: String, message: String) {
        self.province = province
        self.raisedAt = raisedAt
        self.kind = kind
        self.message = message
    }
}

/// A revoked client certificate (by serial) or province log key (by verifier key string).
public struct Revocation: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case certificate
        case logKey = "log_key"
    }

    public var kind: Kind
    /// Normalized certificate serial (lower-case hex) or verifier key string.
    public var value: String
    public var province: String?
    public var reason: String
    public var revokedAt: Date

    public init(kind: Kind, value: String, province: String?, reason: String, revokedAt: Date) {
        self.kind = kind
        self.value = value
        self.province = province
        self.reason = reason
        self.revokedAt = revokedAt
    }
}
