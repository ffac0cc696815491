import Foundation
import LedgerCore
import LedgerStore
import SyncProtocol

/// The province's verdict on one delivery of HQ's feed (DESIGN §7), pure: the header and entry
/// lines as received, the feed key the configuration trusts and the cursor this ledger holds in,
/// a `CentralRiskDelivery` out, or an error naming what failed. Nothing is applied unless every
/// check passes:
/// 1. the header is for this province's feed and starts at the stored cursor;
/// 2. the checkpoint is signed by the configured HQ feed key, for the feed's origin and suite;
/// 3. it is consistent with the last accepted checkpoint (RFC 9162 proof), so HQ did not rewrite
///    the history it showed this province;
/// 4. the entries, folded into the stored right edge of the feed's tree, give its signed root,
///    so no entry was changed, dropped, added or reordered;
/// 5. every entry is a canonical `central_risk` record of this province with an entity code.
public struct FeedVerifier: Sendable {
    public let province: String
    public let suite: Suite
    public let feedKey: any NoteVerifier

    public var origin: String { FeedOrigin.of(province: province) }

    public init(province: String, suite: Suite, feedKey: any NoteVerifier) {
        self.province = province
        self.suite = suite
        self.feedKey = feedKey
    }

    public func verify(header: FeedDeliveryHeader, entries: [[UInt8]], cursor: LedgerStore.FeedCursor?) throws(FeedError) -> LedgerStore.CentralRiskDelivery {
        let from = cursor?.size ?? 0
        let hasher = suite.treeHasher
        guard header.version == SyncAPI.version else { throw FeedError.refused(.malformed, "the delivery has protocol version \(header.version), this node speaks \(SyncAPI.version)") }
        guard header.origin == origin else { throw FeedError.refused(.wrongFeed, "the delivery is of feed \(header.origin), not \(origin)") }

        let checkpoint: VerifiedCheckpoint
        do {
            checkpoint = try UnverifiedCheckpoint(parsing: header.checkpoint).verify(logKey: feedKey, suite: suite.id)
        } catch {
            throw FeedError.refused(.signatureInvalid, "the feed checkpoint does not verify with the configured hq_feed_key: \(error)")
        }
        guard checkpoint.checkpoint.origin == origin else {
            throw FeedError.refused(.wrongFeed, "the feed checkpoint is for \(checkpoint.checkpoint.origin), not \(origin)")
        }
        guard checkpoint.size == header.size else { throw FeedError.refused(.malformed, "the header says size \(header.size), the checkpoint \(checkpoint.size)") }
        guard checkpoint.size >= from else {
            throw FeedError.refused(.rollback, "HQ's feed checkpoint has size \(checkpoint.size), smaller than the \(from) entries this province already accepted (an older feed replayed?)")
        }
        guard header.from == from else { throw FeedError.refused(.malformed, "the delivery starts at \(header.from), this ledger's cursor is \(from)") }

        var proof: [Hash] = []
        for text in header.consistency {
            guard let hash = Base64.decode(text).flatMap(Hash.init(validating:)) else {
                throw FeedError.refused(.malformed, "the consistency proof holds something other than base64 32-byte hashes")
            }
            proof.append(hash)
        }
        if let cursor, cursor.size > 0 {
            do {
                try ConsistencyProof(oldSize: cursor.size, newSize: checkpoint.size, hashes: proof).verify(oldRoot: cursor.root, newRoot: checkpoint.root, hasher: hasher)
            } catch {
                throw FeedError.refused(.historyRewritten, "HQ's feed checkpoint of size \(checkpoint.size) is not an extension of the one accepted at size \(cursor.size): \(error)")
            }
        }

        guard UInt64(entries.count) == checkpoint.size - from else {
            throw FeedError.refused(.malformed, "the delivery carries \(entries.count) entries, the checkpoint needs \(checkpoint.size - from)")
        }
        var frontier = cursor?.frontier ?? MerkleFrontier()
        var records: [ChangeRecord] = []
        var usccs: [String] = []
        records.reserveCapacity(entries.count)
        for (offset, bytes) in entries.enumerated() {
            let index = from + UInt64(offset)
            let record: ChangeRecord
            do {
                record = try ChangeRecord(canonicalEntry: bytes, province: province)
            } catch {
                throw FeedError.refused(.entryRejected, "feed entry \(index) is not a canonical record of \(province): \(error)")
            }
            guard record.category == "central_risk", Self.member("origin", of: bytes) == "central", let uscc = Self.entityCode(bytes) else {
                throw FeedError.refused(.entryRejected, "feed entry \(index) (\(record.changeID)) is not a central_risk record with origin central and an entity code")
            }
            frontier.append(hasher.leafHash(bytes), hasher: hasher)
            records.append(record)
            usccs.append(uscc)
        }
        guard frontier.root(hasher: hasher) == checkpoint.root else {
            throw FeedError.refused(.proofInvalid, "the delivered entries [\(from), \(checkpoint.size)) do not produce the signed feed root: an entry was changed, dropped or reordered")
        }
        return LedgerStore.CentralRiskDelivery(origin: origin, fromSize: from, checkpoint: checkpoint, frontier: frontier, records: records, usccs: usccs)
    }
}

extension FeedVerifier {
    /// A top-level string member of canonical bytes, read without a tree (a second full parse
    /// of every entry cost a third of the province's verification).
    static func member(_ name: String, of bytes: [UInt8]) -> String? {
        guard let members = CanonicalMembers.scan(bytes),
              let member = members.first(where: { bytes[$0.key].elementsEqual(name.utf8) }) else { return nil }
        return CanonicalMembers.plainString(bytes, member.value)
            ?? (try? JSONParser.parse(Array(bytes[member.value])))?.stringValue
    }

    /// `entity.uscc` of canonical bytes.
    static func entityCode(_ bytes: [UInt8]) -> String? {
        guard let members = CanonicalMembers.scan(bytes),
              let entity = members.first(where: { bytes[$0.key].elementsEqual("entity".utf8) }) else { return nil }
        return member("uscc", of: Array(bytes[entity.value]))
    }
}

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

    public var defaultHint: String {
        switch self {
        case .signatureInvalid, .wrongFeed: "check hq_feed_key against `creditsync hq enroll` output for this province; nothing was applied"
        case .rollback, .historyRewritten: "HQ showed this province a feed history that contradicts the one it accepted: keep this ledger as evidence and contact HQ; nothing was applied"
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
