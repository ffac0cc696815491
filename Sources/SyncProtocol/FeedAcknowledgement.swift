import Foundation
public import LedgerCore

/// The record a province appends to its own ledger for each feed delivery it applied (DESIGN
/// §7): category `central_risk_ack`, id the feed's origin (so the state projection holds the
/// latest), `origin: central`, naming the feed checkpoint. HQ reads it from its mirror after the
/// next upload, in the province's own signed log: the application time there is what the
/// push-down lag is measured to.
public struct FeedAcknowledgement: Sendable, Equatable {
    public var feed: String
    /// The cursor before the delivery and the feed checkpoint it moved to.
    public var from: UInt64
    public var size: UInt64
    public var root: Hash
    /// Unix seconds.
    public var appliedAt: UInt64
    /// 32 random bytes (hex) the province adds when the delivery holds an inspection notice:
    /// the province's share of the inspection's seed (Protocol/inspection.md §1.1), which HQ
    /// cannot predict when it commits; nil otherwise.
    public var inspectionNonce: String?

    public init(feed: String, from: UInt64, size: UInt64, root: Hash, appliedAt: UInt64, inspectionNonce: String? = nil) {
        self.feed = feed
        self.from = from
        self.size = size
        self.root = root
        self.appliedAt = appliedAt
        self.inspectionNonce = inspectionNonce
    }

    public func changeID() -> String { "\(FeedAPI.acknowledgementCategory)/\(feed)/\(size)" }

    /// The change record's JSON.
    public func record(province: String) -> [UInt8] {
        let applied = Date(timeIntervalSince1970: TimeInterval(appliedAt))
        let stamp = Self.rfc3339(applied)
        return CanonicalJSON.encode(.object([
            .init("v", .number(1)),
            .init("change_id", .string(changeID())),
            .init("province", .string(province)),
            .init("category", .string(FeedAPI.acknowledgementCategory)),
            .init("id", .string(feed)),
            .init("op", .string("upsert")),
            .init("origin", .string("central")),
            .init("occurred_at", .string(String(stamp.prefix(10)))),
            .init("recorded_at", .string(stamp)),
            .init("fields", .object([
                .init("feed", .string(feed)),
                .init("from", .number(Double(from))),
                .init("size", .number(Double(size))),
                .init("root", .string(root.base64)),
                .init("entries", .number(Double(size - from))),
                .init("applied_at", .string(stamp)),
            ] + (inspectionNonce.map { [.init("inspection_nonce", .string($0))] } ?? []))),
        ]))
    }

    /// Reads an acknowledgement record back (HQ, from its mirror); nil if it is not one.
    public init?(entry: [UInt8]) {
        guard let value = try? JSONParser.parse(entry), value["category"]?.stringValue == FeedAPI.acknowledgementCategory,
              let feed = value.value(at: "fields.feed")?.stringValue,
              case .number(let from)? = value.value(at: "fields.from"), case .number(let size)? = value.value(at: "fields.size"),
              from >= 0, size >= from, size < 9.007e15,
              let root = value.value(at: "fields.root")?.stringValue.flatMap(Base64.decode).flatMap(Hash.init(validating:)),
              let applied = value.value(at: "fields.applied_at")?.stringValue, let date = Self.parseRFC3339(applied)
        else { return nil }
        self.init(feed: feed, from: UInt64(from), size: UInt64(size), root: root, appliedAt: UInt64(max(0, date.timeIntervalSince1970)),
                  inspectionNonce: value.value(at: "fields.inspection_nonce")?.stringValue)
    }

    /// UTC, seconds: `2026-12-02T01:02:03Z`.
    static func rfc3339(_ date: Date) -> String {
        UTCTimestamp.rfc3339(seconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    static func parseRFC3339(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }
}
