public import LedgerCore
public import LedgerStore

/// A province's daily sync with HQ (`province sync`, the demo): upload the ledger; where HQ's
/// feed key is configured, receive HQ's feed (verified, applied once, acknowledged in the
/// ledger, cosigned) and, when a delivery was applied, upload the acknowledgements it appended,
/// so that HQ sees the push-down lag the same day. The one composition of these steps.
public struct DailySync: Sendable {
    public struct Summary: Sendable {
        /// The last upload's result; `uploaded` counts both uploads.
        public var upload: SyncClient.Summary
        /// The feed's result; nil without a feed key.
        public var feed: SyncClient.FeedSummary?
    }

    public let client: SyncClient

    public init(client: SyncClient) {
        self.client = client
    }

    /// Runs the day's sync of `store`. `signer`, the ledger's key, signs the acknowledgements
    /// and the feed cosignature; the feed is received when the configuration has HQ's feed key.
    public func run(_ store: LedgerStore, signer: (any NoteSigner)?,
                    progress: @escaping @Sendable (SyncClient.Progress) -> Void = { _ in }) async throws -> Summary {
        var upload = try await client.sync(store, progress: progress)
        guard client.configuration.hqFeedKey != nil else { return Summary(upload: upload, feed: nil) }
        guard let signer else {
            throw ProvinceNodeError(.configuration, "receiving HQ's feed needs the ledger's signing key", hint: "open the ledger directory, not only its store")
        }
        let feed = try await client.receiveFeed(store, signer: signer)
        if feed.deliveries > 0 {
            let uploaded = upload.uploaded
            upload = try await client.sync(store)
            upload.uploaded += uploaded
        }
        return Summary(upload: upload, feed: feed)
    }
}
