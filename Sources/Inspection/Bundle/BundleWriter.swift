public import Foundation
public import LedgerCore

/// Writes the offline bundle of a plan (`creditsync inspect bundle`): header, the sampled
/// entities' current records with proofs, then the log's entries [0, n) so the sample can be
/// drawn again with no network (Protocol/inspection.md).
public enum BundleWriter {
    public struct Summary: Sendable {
        public var records: Int
        public var entries: UInt64
        public var receipts: Int
        public var bytes: UInt64
    }

    /// `hqKey`: HQ's cosigner verifier key; HQ's receipts for the checkpoint by that key go in
    /// the bundle (verified first). Without it, none do.
    public static func write(plan: InspectionPlan, log: any InspectedLog, hqKey: String?, cosigners: CosignerResolver = CosignerKeys.ed25519,
                             to url: URL) async throws -> Summary {
        let checkpoint = try await log.verifyCheckpoint(plan.checkpointText)
        let size = checkpoint.size
        // Draw again from the log: a plan that does not follow from it is refused, not bundled.
        let scan = try await log.scan(size: size, tracking: Set(plan.sample.map(\.uscc)))
        let drawn = try InspectionPlan.draw(checkpoint: checkpoint, inspectionID: plan.inspectionID, sampleSize: plan.sampleSize,
                                            weights: plan.weights, members: scan.members())
        if let difference = plan.difference(from: drawn) {
            throw InspectionError(.malformed, "the plan does not follow from this log and checkpoint: \(difference)",
                                  hint: "draw the plan again with `creditsync inspect plan` from this log")
        }
        var records: [BundleRecord] = []
        for ref in BundleOrder.sorted(scan.records(), plan: plan) {
            let entry = try await log.entries(from: ref.index, to: ref.index + 1)[0]
            let proof = try await log.inclusionProof(index: ref.index, treeSize: size)
            records.append(BundleRecord(ref, entry: entry, proof: proof, checkpointText: plan.checkpointText))
        }
        let history = try await log.keyHistory()
        let logKeys = history.keys.filter { $0.fromSize <= size }.map { BundleHeader.LogKey(verifierKey: $0.verifierKey, fromSize: $0.fromSize) }
        let receipts = try await self.receipts(log: log, checkpoint: checkpoint, hqKey: hqKey, cosigners: cosigners)
        let header = BundleHeader(plan: plan, logKeys: logKeys, receipts: receipts, records: UInt64(records.count), entries: size)

        let writer = try BundleFile.Writer(url: url)
        do {
            try writer.line(CanonicalJSON.encode(header.json))
            for record in records { try writer.line(CanonicalJSON.encode(record.json)) }
            try await log.forEachEntry(size: size) { try writer.line($0) }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.uint64Value ?? 0
        return Summary(records: records.count, entries: size, receipts: receipts.count, bytes: bytes)
    }

    static func receipts(log: any InspectedLog, checkpoint: VerifiedCheckpoint, hqKey: String?,
                         cosigners: CosignerResolver) async throws -> [BundleHeader.Receipt] {
        guard let hqKey else { return [] }
        let verifier: any NoteVerifier
        do {
            verifier = try cosigners(hqKey)
        } catch {
            throw InspectionError(.usage, "--hq-key is not HQ's cosigner verifier key: \(error)",
                                  hint: "give HQ's cosigner.pub, the key provinces configure as hq_key")
        }
        let message = Array(checkpoint.note.text.utf8)
        return try await log.receipts(size: checkpoint.size)
            .filter { $0.name == verifier.name && $0.keyID == verifier.keyID && verifier.verify($0.signature, for: message) }
            .map { BundleHeader.Receipt(cosignerKey: try VerifierKey(parsing: hqKey).string, signature: $0.line) }
    }
}

/// The order of records in a bundle: by the entity's rank, then by log index.
enum BundleOrder {
    static func sorted(_ records: [LogScan.RecordRef], plan: InspectionPlan) -> [LogScan.RecordRef] {
        let rank = Dictionary(plan.sample.map { ($0.uscc, $0.rank) }, uniquingKeysWith: min)
        return records.sorted { (rank[$0.uscc] ?? .max, $0.index) < (rank[$1.uscc] ?? .max, $1.index) }
    }
}
