public import Foundation

/// Version 1 of the province→HQ sync protocol (Protocol/sync.md, Protocol/openapi.yaml).
public enum SyncAPI {
    public static let version = 1
    /// Entry packages are aligned at multiples of this (as in C2SP tlog-mirror).
    public static let packageWidth: UInt64 = 256
    /// Longest accepted line of an upload body: one entry (65,535 bytes) or a proof line (63
    /// base64 hashes in a JSON array: 2,898 bytes).
    public static let maximumLineLength = 65_535

    public static func statePath(_ province: String) -> String { "/v1/provinces/\(province)" }
    public static func checkpointPath(_ province: String) -> String { "/v1/provinces/\(province)/checkpoint" }
    public static func entriesPath(_ province: String) -> String { "/v1/provinces/\(province)/entries" }

    public static let ndjson = "application/x-ndjson"
    public static let receiptContentType = "text/x.tlog.cosignatures"
}

/// HQ's answer to "what do you have of my log?" (`GET /v1/provinces/{code}`).
public struct LogState: Codable, Sendable, Equatable {
    public var version: Int
    public var province: String
    public var origin: String
    public var suite: String
    /// HQ's latest complete mirror checkpoint as the province signed it, with HQ's receipt
    /// (cosignature) lines appended; nil before the first sync.
    public var checkpoint: String?
    /// Entries HQ holds and has verified against a signed root (the mirror checkpoint's size).
    public var size: UInt64
    /// Size of the latest signed checkpoint HQ accepted (≥ size while an upload is unfinished).
    public var pendingSize: UInt64
    /// The next entry HQ expects (entries committed so far).
    public var nextEntry: UInt64
    /// HQ's cosigner verifier key string (type 0x04), for checking receipts.
    public var hqCosigner: String
    /// HQ's feed for this province (absent from HQs without feeds, or when the feed cannot be
    /// read): its latest size and the verifier key it is signed with, for operators setting up
    /// `hq_feed_key`. A province trusts only the configured key, never this field.
    public var feedSize: UInt64?
    public var feedKey: String?

    public init(version: Int = SyncAPI.version, province: String, origin: String, suite: String, checkpoint: String?, size: UInt64,
                pendingSize: UInt64, nextEntry: UInt64, hqCosigner: String) {
        self.version = version
        self.province = province
        self.origin = origin
        self.suite = suite
        self.checkpoint = checkpoint
        self.size = size
        self.pendingSize = pendingSize
        self.nextEntry = nextEntry
        self.hqCosigner = hqCosigner
    }

    enum CodingKeys: String, CodingKey {
        case version, province, origin, suite, checkpoint, size
        case pendingSize = "pending_size"
        case nextEntry = "next_entry"
        case hqCosigner = "hq_cosigner"
        case feedSize = "feed_size"
        case feedKey = "feed_key"
    }
}

/// Where an upload stands: sent with 200 (add-checkpoint), 202, 409 and 503.
public struct MirrorInfo: Codable, Sendable, Equatable {
    public var pendingSize: UInt64
    public var nextEntry: UInt64

    public init(pendingSize: UInt64, nextEntry: UInt64) {
        self.pendingSize = pendingSize
        self.nextEntry = nextEntry
    }

    enum CodingKeys: String, CodingKey {
        case pendingSize = "pending_size"
        case nextEntry = "next_entry"
    }
}

/// The body of every error response: a stable code, a message, a hint, and where the upload
/// stands when that helps the client resume. `code` stays a string on the wire so a client
/// reads problems from a newer HQ; `problemCode` is its typed form.
public struct Problem: Codable, Sendable, Equatable {
    public var code: String
    public var problemCode: ProblemCode? { ProblemCode(rawValue: code) }
    public var message: String
    public var hint: String
    public var pendingSize: UInt64?
    public var nextEntry: UInt64?

    public init(code: String, message: String, hint: String, mirror: MirrorInfo? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.pendingSize = mirror?.pendingSize
        self.nextEntry = mirror?.nextEntry
    }

    enum CodingKeys: String, CodingKey {
        case code, message, hint
        case pendingSize = "pending_size"
        case nextEntry = "next_entry"
    }
}

extension JSONEncoder {
    /// Sorted keys, so bodies are stable.
    public static var sync: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
