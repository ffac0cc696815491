public import LedgerCore

/// The order that makes a sample unsteerable (Protocol/inspection.md §1.1), checked against keys
/// the verifier trusts: HQ's feed key signed a feed checkpoint holding the notice; the province's
/// log key cosigned that checkpoint at time T_c (it had seen the notice and its commitment); HQ's
/// receipt key cosigned the checkpoint drawn at, at time T_d > T_c. So the data drawn from did not
/// exist for HQ when it fixed the notice and the secret, and the province made it without knowing
/// the secret.
public enum DrawOrder {
    public struct Verified: Sendable, Equatable {
        /// T_c: when the province cosigned the feed checkpoint holding the notice (Unix seconds).
        public var acknowledgedAt: UInt64
        /// T_d: when HQ cosigned the checkpoint drawn at.
        public var cosignedAt: UInt64

        public init(acknowledgedAt: UInt64, cosignedAt: UInt64) {
            self.acknowledgedAt = acknowledgedAt
            self.cosignedAt = cosignedAt
        }
    }

    public static func verify(_ plan: InspectionPlan, checkpoint: VerifiedCheckpoint, trust: InspectionTrust, suite: Suite,
                              cosigners: CosignerResolver, logCosigners: CosignerResolver) throws(InspectionError) -> Verified {
        let origin = checkpoint.checkpoint.origin
        guard let province = trust.province(origin: origin) else {
            throw InspectionError(.trust, "\(origin) is not a log HQ enrolled (the trust file exported \(trust.exportedAt) has no such origin)",
                                  hint: "only an enrolled province's log can be inspected")
        }
        let notice = plan.notice
        guard notice.province == province.province else {
            throw refused("the notice is for province \(notice.province), the sample is drawn from \(origin)")
        }
        // The notice is in HQ's signed feed of this province.
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
        // The province saw it: its log key cosigned that feed checkpoint, at T_c.
        var acknowledged: UInt64?
        for key in province.logKeys {
            if let verifier = try? logCosigners(key.verifierKey), let time = verified(plan.evidence.acknowledgement, by: verifier, text: feed.note.text) {
                acknowledged = time
                break
            }
        }
        guard let acknowledgedAt = acknowledged else {
            throw refused("the acknowledgement is not a cosignature of the notice's feed checkpoint by a log key HQ enrolled for \(province.province)")
        }
        // HQ saw the checkpoint drawn at only after that: its receipt, at T_d > T_c.
        var cosigned: UInt64?
        for key in trust.cosignerKeys {
            if let verifier = try? cosigners(key), let time = verified(plan.evidence.receipt, by: verifier, text: checkpoint.note.text) {
                cosigned = time
                break
            }
        }
        guard let cosignedAt = cosigned else {
            throw refused("the receipt is not a cosignature of the checkpoint drawn at (size \(checkpoint.size)) by one of HQ's keys in the trust file")
        }
        guard cosignedAt > acknowledgedAt else {
            throw refused("the checkpoint drawn at (size \(checkpoint.size)) was cosigned by HQ at \(UTCTimestamp.rfc3339(seconds: Int64(cosignedAt))), not after the province acknowledged the notice at \(UTCTimestamp.rfc3339(seconds: Int64(acknowledgedAt))): the sample could have been chosen after seeing the data")
        }
        return Verified(acknowledgedAt: acknowledgedAt, cosignedAt: cosignedAt)
    }

    /// The time of `line` when it is one cosignature by `verifier` of `text`; nil otherwise.
    static func verified(_ line: String, by verifier: any NoteVerifier, text: String) -> UInt64? {
        guard let signatures = try? SignedNote.parseSignatureLines(line), signatures.count == 1, let signature = signatures.first,
              signature.name == verifier.name, signature.keyID == verifier.keyID, signature.signature.count > 8,
              verifier.verify(signature.signature, for: Array(text.utf8)) else { return nil }
        return signature.signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func refused(_ message: String) -> InspectionError {
        InspectionError(.order, message, hint: "the sample's order of events does not hold; do not use this plan")
    }
}
