public import LedgerCore

/// What makes a sample unsteerable (Protocol/inspection.md §1.1), checked against keys the
/// verifier trusts: HQ's feed key signed a feed checkpoint holding the notice (so HQ fixed the
/// strata and committed to the secret there), and the draw point is the province's own
/// acknowledgement of exactly that feed checkpoint, with its nonce, in its signed log (so the
/// data drawn from, nonce included, did not exist when HQ committed, and the province made it
/// without knowing the secret). The draw point is found by `DrawScan`; this checks the notice.
public enum DrawOrder {
    /// The notice is HQ's, in HQ's feed of the province that signed `checkpoint`.
    public static func verifyNotice(_ plan: InspectionPlan, origin: String, trust: InspectionTrust, suite: Suite) throws(InspectionError) -> VerifiedCheckpoint {
        guard let province = trust.province(origin: origin) else {
            throw InspectionError(.trust, "\(origin) is not a log HQ enrolled (the trust file exported \(trust.exportedAt) has no such origin)",
                                  hint: "only an enrolled province's log can be inspected")
        }
        guard plan.notice.province == province.province else {
            throw refused("the notice is for province \(plan.notice.province), the sample is drawn from \(origin)")
        }
        let feedOrigin = "creditsync.samr/hq/feed/\(province.province)"
        let feed: VerifiedCheckpoint
        do {
            let verifier = try suite.verifier(forKey: province.feedKey)
            feed = try UnverifiedCheckpoint(parsing: plan.evidence.feedCheckpoint).verify(logKeys: [verifier], suite: suite.id)
        } catch {
            throw InspectionError(.trust, "the feed checkpoint of the notice is not signed by HQ's feed key of \(province.province): \(error.message)",
                                  hint: "the notice did not come from HQ's feed; do not use this plan")
        }
        guard feed.checkpoint.origin == feedOrigin else { throw refused("the notice's feed checkpoint is of \(feed.checkpoint.origin), not \(feedOrigin)") }
        let proof = InclusionProof(leafIndex: plan.evidence.noticeIndex, treeSize: feed.size, leafHash: suite.treeHasher.leafHash(plan.noticeBytes),
                                   hashes: plan.evidence.noticeProof)
        do {
            guard plan.evidence.noticeIndex < feed.size else { throw LedgerCoreError(.invalidTreeSize, "index beyond the checkpoint") }
            try proof.verify(root: feed.root, hasher: suite.treeHasher)
        } catch {
            throw refused("the notice is not entry \(plan.evidence.noticeIndex) of HQ's feed checkpoint of size \(feed.size): \(error)")
        }
        return feed
    }

    /// The draw point found in the log acknowledges exactly the feed checkpoint holding the notice.
    public static func verifyPoint(_ point: DrawScan.DrawPoint?, feed: VerifiedCheckpoint, plan: InspectionPlan) throws(InspectionError) {
        guard let point, point.feedSize == feed.size, point.feedRoot == feed.root.base64 else {
            throw refused("the log holds no acknowledgement, up to the checkpoint, of the delivery that brought the notice up to the feed checkpoint the plan proves it in (size \(feed.size)), with the province's nonce")
        }
    }

    static func refused(_ message: String) -> InspectionError {
        InspectionError(.order, message, hint: "the sample's order of events does not hold; do not use this plan")
    }
}
