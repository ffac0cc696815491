public import LedgerCore

/// The province's verdict on one delivery of HQ's feed (DESIGN §7), pure: the delivery as
/// received, the feed key the configuration trusts and the cursor this ledger holds in, a
/// `VerifiedFeedDelivery` out, or an error naming what failed. Nothing is applied unless every
/// check passes:
/// 1. the header is for this province's feed and starts at the stored cursor;
/// 2. the checkpoint is signed by the configured HQ feed key, for the feed's origin and suite;
/// 3. it is consistent with the last accepted checkpoint (RFC 9162 proof), so HQ did not rewrite
///    the history it showed this province;
/// 4. the entries, folded into the stored right edge of the feed's tree, give its signed root,
///    so no entry was changed, dropped, added or reordered;
/// 5. every entry is a canonical record of this province with origin `central`: a pushed-down
///    item (`central_risk`, `cross_province`) or the withdrawal of one (`central_withdrawal`),
///    with an entity code, or HQ's notice of an inspection (`inspection_notice`).
public struct FeedVerifier: Sendable {
    /// The categories HQ pushes down: central departments' information and SAMR's own
    /// cross-province flows for entities that moved (Protocol/formats.md §9).
    public static let pushedDown: Set<String> = ["central_risk", "cross_province"]

    public let province: String
    public let suite: Suite
    public let feedKey: any NoteVerifier

    public var origin: String { FeedOrigin.of(province: province) }

    public init(province: String, suite: Suite, feedKey: any NoteVerifier) {
        self.province = province
        self.suite = suite
        self.feedKey = feedKey
    }

    public func verify(_ delivery: UnverifiedFeedDelivery, cursor: FeedCursor?) throws(FeedError) -> VerifiedFeedDelivery {
        let entries = delivery.entries
        let from = cursor?.size ?? 0
        let hasher = suite.treeHasher
        guard delivery.origin == origin else { throw FeedError.refused(.wrongFeed, "the delivery is of feed \(delivery.origin), not \(origin)") }

        let checkpoint: VerifiedCheckpoint
        do {
            checkpoint = try UnverifiedCheckpoint(parsing: delivery.checkpoint).verify(logKey: feedKey, suite: suite.id)
        } catch {
            throw FeedError.refused(.signatureInvalid, "the feed checkpoint does not verify with the configured hq_feed_key: \(error)")
        }
        guard checkpoint.checkpoint.origin == origin else {
            throw FeedError.refused(.wrongFeed, "the feed checkpoint is for \(checkpoint.checkpoint.origin), not \(origin)")
        }
        guard checkpoint.size == delivery.size else { throw FeedError.refused(.malformed, "the header says size \(delivery.size), the checkpoint \(checkpoint.size)") }
        guard checkpoint.size >= from else {
            throw FeedError.refused(.rollback, "HQ's feed checkpoint has size \(checkpoint.size), smaller than the \(from) entries this province already accepted (an older feed replayed?)")
        }
        guard delivery.from == from else { throw FeedError.refused(.malformed, "the delivery starts at \(delivery.from), this ledger's cursor is \(from)") }

        var proof: [Hash] = []
        for text in delivery.consistency {
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
            let uscc: String
            if record.category == CentralItem.inspectionNoticeCategory, Self.member("origin", of: bytes) == "central" {
                uscc = ""  // the bureau's, not an entity's
            } else if Self.pushedDown.contains(record.category) || record.category == CentralItem.withdrawalCategory,
                      Self.member("origin", of: bytes) == "central", let code = Self.entityCode(bytes) {
                uscc = code
            } else {
                throw FeedError.refused(.entryRejected, "feed entry \(index) (\(record.changeID)) is not a central_risk, cross_province, central_withdrawal or inspection_notice record with origin central (and an entity code)")
            }
            frontier.append(hasher.leafHash(bytes), hasher: hasher)
            records.append(record)
            usccs.append(uscc)
        }
        guard frontier.root(hasher: hasher) == checkpoint.root else {
            throw FeedError.refused(.proofInvalid, "the delivered entries [\(from), \(checkpoint.size)) do not produce the signed feed root: an entry was changed, dropped or reordered")
        }
        return VerifiedFeedDelivery(origin: origin, fromSize: from, checkpoint: checkpoint, frontier: frontier, records: records, usccs: usccs)
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

