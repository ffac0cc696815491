import AsyncHTTPClient
public import Foundation
public import LedgerCore
public import LedgerStore
public import Mirroring
import NationalCrypto
import NIOCore
import NIOHTTP1
public import SyncProtocol

/// Step 3 of the daily sync (DESIGN §6–7): receive HQ's feed after this ledger's cursor, verify
/// each delivery whole (`FeedVerifier`), apply it with the cursor and an acknowledgement record
/// in one transaction, and return a cosignature of the feed checkpoint accepted.
extension SyncClient {
    public struct FeedSummary: Sendable, Equatable {
        /// Deliveries applied, and the entries in them.
        public var deliveries = 0
        public var applied: UInt64 = 0
        /// Bytes of the delivery bodies received (HTTP payload, before TLS).
        public var bytes = 0
        /// The feed checkpoint this ledger now stands at, and HQ's latest.
        public var cursor: UInt64 = 0
        public var latest: UInt64 = 0
    }

    /// Fault injection for tests: runs after a delivery verified, before it is applied; throwing
    /// there is a province killed between verification and application.
    public typealias FeedHook = @Sendable (VerifiedFeedDelivery) async throws -> Void

    public func receiveFeed(_ store: LedgerStore, signer: any NoteSigner, now: @Sendable () -> Date = Date.init,
                            beforeApply: FeedHook? = nil) async throws -> FeedSummary {
        guard let keyText = configuration.hqFeedKey else {
            throw ProvinceNodeError(.configuration, "missing setting hq_feed_key", hint: "set \"hq_feed_key\" to the key `creditsync hq enroll` printed for this province")
        }
        let province = store.metadata.province
        let feedKey: any NoteVerifier
        do {
            let key = try VerifierKey(parsing: keyText)
            feedKey = try store.suite.signatures.verifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst(store.suite.signatures.keyType.count)))
            guard key.typeAndKey.starts(with: store.suite.signatures.keyType) else { throw LedgerCoreError(.malformedKey, "not a \(store.suite.id.rawValue) key") }
        } catch {
            throw ProvinceNodeError(.configuration, "hq_feed_key is not a \(store.suite.id.rawValue) verifier key: \(error)",
                                    hint: "HQ's feed to a province follows the province's suite; copy the key `creditsync hq enroll` printed")
        }
        let verifier = FeedVerifier(province: province, suite: store.suite, feedKey: feedKey)
        let hqVerifier = try Cosignatures.verifier(forKey: configuration.hqKey)
        return try await withClient { client in
            try await receive(store: store, verifier: verifier, hqVerifier: hqVerifier, signer: signer, client: client, now: now, beforeApply: beforeApply)
        }
    }

    /// Refusals that come with a checkpoint HQ's feed key signed: what HQ showed this province
    /// contradicts what it accepted, or the entries do not give the signed root. Kept as evidence.
    static let evidenceCodes: Set<FeedErrorCode> = [.rollback, .historyRewritten, .proofInvalid, .entryRejected]

    /// Checks HQ's view of the feed a delivery carries (its latest checkpoint, signed by the feed
    /// key, and HQ's timestamped cosignature of it by the key `hq_key` names), keeps it as the
    /// feed's latest view, and refuses the delivery when the view is older than `maxAge`: HQ
    /// renews it at every answer, so an old one is a replay or a withheld feed.
    public static func checkView(_ header: FeedDeliveryHeader, delivered: VerifiedCheckpoint, verifier: FeedVerifier, hqVerifier: any NoteVerifier,
                                 store: LedgerStore, now: Date, maxAge: TimeInterval) async throws {
        guard let view = header.view else {
            throw FeedError.refused(.viewInvalid, "the delivery carries no view of HQ's feed (its cosigned latest checkpoint)")
        }
        let latest: VerifiedCheckpoint
        let cosignature: NoteSignature
        do {
            latest = try UnverifiedCheckpoint(parsing: view.checkpoint).verify(logKey: verifier.feedKey, suite: verifier.suite.id)
            let lines = try SignedNote.parseSignatureLines(view.cosignature)
            cosignature = try SignedNote(text: latest.note.text, signatures: lines).verify([hqVerifier])[0]
        } catch {
            throw FeedError.refused(.viewInvalid, "HQ's view of the feed does not verify with hq_feed_key and hq_key: \(error)")
        }
        guard latest.checkpoint.origin == verifier.origin, latest.size == header.latest,
              latest.size > delivered.size || (latest.size == delivered.size && latest.root == delivered.root) else {
            throw FeedError.refused(.viewInvalid, "HQ's view of the feed (size \(latest.size)) disagrees with the delivery (checkpoint \(delivered.size), latest \(header.latest))")
        }
        guard let time = Cosignatures.timestamp(of: cosignature.signature) else {
            throw FeedError.refused(.viewInvalid, "HQ's cosignature of its view carries no time")
        }
        let cosignedAt = Date(timeIntervalSince1970: TimeInterval(time))
        try await store.recordFeedView(LedgerStore.FeedView(origin: verifier.origin, size: latest.size, checkpoint: view.checkpoint,
                                                            cosignature: view.cosignature, cosignedAt: cosignedAt, seenAt: now))
        let age = now.timeIntervalSince(cosignedAt)
        guard age <= maxAge else {
            throw FeedError.refused(.staleView, "HQ's view of the feed was cosigned at \(ISO8601DateFormatter().string(from: cosignedAt)), \(Int(age / 3600)) h ago, older than feed_view_max_age_seconds (\(Int(maxAge)) s)")
        }
    }

    /// `FeedVerifier.verify`, keeping the signed checkpoint of a refused delivery, its proof and
    /// the accepted cursor in the ledger (`LedgerStore.feedEvidence`) before the refusal goes on.
    public static func verify(header: FeedDeliveryHeader, entries: [[UInt8]], cursor: FeedCursor?, verifier: FeedVerifier,
                              store: LedgerStore, now: Date) async throws -> VerifiedFeedDelivery {
        do {
            return try verifier.verify(header: header, entries: entries, cursor: cursor)
        } catch let refusal where evidenceCodes.contains(refusal.codeValue) {
            try await store.recordFeedEvidence(LedgerStore.FeedEvidence(
                origin: verifier.origin, detectedAt: now, code: refusal.codeValue.rawValue, reason: refusal.message, checkpoint: header.checkpoint,
                from: header.from, size: header.size, consistency: header.consistency, acceptedCheckpoint: cursor?.note))
            throw refusal
        }
    }

    private func receive(store: LedgerStore, verifier: FeedVerifier, hqVerifier: any NoteVerifier, signer: any NoteSigner, client: HTTPClient,
                         now: @Sendable () -> Date, beforeApply: FeedHook?) async throws -> FeedSummary {
        let province = store.metadata.province
        var summary = FeedSummary()
        while true {
            let cursor = try await store.feedCursor(origin: verifier.origin)
            let (status, body) = try await send(client: client, path: FeedAPI.feedPath(province) + "?from=\(cursor?.size ?? 0)" + (feedDeliveryEntries.map { "&max=\($0)" } ?? ""), method: .GET,
                                                contentType: nil, body: nil, limit: FeedAPI.maximumDeliveryBytes)
            guard status == 200 else { throw Answer(status: status, body: body) }
            summary.bytes += body.readableBytes
            let (header, entries) = try FeedDeliveryBody.parse(Array(body.readableBytesView))
            let delivery = try await Self.verify(header: header, entries: entries, cursor: cursor, verifier: verifier, store: store, now: now())
            try await Self.checkView(header, delivered: delivery.checkpoint, verifier: verifier, hqVerifier: hqVerifier, store: store, now: now(),
                                     maxAge: TimeInterval(configuration.feedViewMaxAgeSeconds))
            summary.latest = header.latest
            summary.cursor = delivery.checkpoint.size
            if delivery.records.isEmpty { break }
            try await beforeApply?(delivery)
            let appliedAt = now()
            // A delivery with HQ's notice of an inspection: the acknowledgement adds the province's
            // share of the sample's seed, fresh randomness HQ cannot predict (Protocol/inspection.md §1.1).
            let nonce = delivery.records.contains { $0.category == CentralItem.inspectionNoticeCategory }
                ? (0..<32).map { _ in UInt8.random(in: 0...255) }.hex : nil
            let acknowledgement = FeedAcknowledgement(feed: verifier.origin, from: delivery.fromSize, size: delivery.checkpoint.size,
                                                      root: delivery.checkpoint.root, appliedAt: UInt64(max(0, appliedAt.timeIntervalSince1970)),
                                                      inspectionNonce: nonce)
            let record = try ChangeRecord(parsing: acknowledgement.record(province: province), province: province)
            _ = try await store.applyCentralRisk(delivery, acknowledgement: record, signer: signer, now: appliedAt)
            summary.deliveries += 1
            summary.applied += UInt64(delivery.records.count)
            if header.size >= header.latest { break }
        }
        // Cosign the checkpoint this ledger stands at (again, if an earlier run applied it but
        // lost the answer): HQ keeps one per size.
        if let cursor = try await store.feedCursor(origin: verifier.origin), cursor.size > 0 {
            let checkpoint = try UnverifiedCheckpoint(parsing: cursor.note).checkpoint
            let signature = try LogKeyCosigning.cosign(checkpoint, time: UInt64(max(0, now().timeIntervalSince1970)), with: signer)
            let submission = FeedCosignature(size: cursor.size, cosignature: signature.line)
            let _: FeedCosignature = try await exchange(client: client, path: FeedAPI.cosignaturePath(province), method: .POST, contentType: "application/json",
                                                        body: .bytes(ByteBuffer(bytes: try JSONEncoder.sync.encode(submission))), expecting: 200)
        }
        return summary
    }
}
