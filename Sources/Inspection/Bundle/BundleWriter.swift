public import Foundation
public import LedgerCore

/// Writes the offline bundle of a plan (`creditsync inspect bundle`): header, the sampled
/// records with proofs (and the central register's record of each, at HQ), then the log's
/// entries [0, n) so the sample can be drawn again with no network (Protocol/inspection.md §3).
public enum BundleWriter {
    public struct Summary: Sendable {
        public var records: Int
        public var entries: UInt64
        public var receipts: Int
        public var bytes: UInt64
    }

    /// `hqKeys`: HQ's cosigner verifier keys. The newest checkpoint HQ cosigned (at least the
    /// plan's) goes in the bundle with a consistency proof from the plan's, and HQ's receipts for
    /// it by those keys (verified first).
    public static func write(plan: InspectionPlan, log: any InspectedLog, hqKeys: [String], cosigners: CosignerResolver = CosignerKeys.ed25519,
                             to url: URL) async throws -> Summary {
        let checkpoint = try await log.verifyCheckpoint(plan.checkpointText)
        let size = checkpoint.size
        // Draw again from the log: a plan that does not follow from it is refused, not bundled.
        let drawn = try await Planner.draw(log: log, noticeBytes: plan.noticeBytes, evidence: plan.evidence, checkpoint: checkpoint, secret: plan.secret)
        if let difference = plan.difference(from: drawn) {
            throw InspectionError(.malformed, "the plan does not follow from this log and checkpoint: \(difference)",
                                  hint: "draw the plan again with `creditsync inspect plan` from this log")
        }
        let central = try await log.centralRecords(keys: Set(plan.sample.map { RecordKey.bytes($0.category, $0.id) }))
        var records: [BundleRecord] = []
        for item in plan.sample {
            let proof = try await log.inclusionProof(index: item.index, treeSize: size)
            records.append(BundleRecord(item, entry: try await log.entries(from: item.index, to: item.index + 1).first ?? [], proof: proof, checkpointText: plan.checkpointText,
                                        central: central?.records[RecordKey.bytes(item.category, item.id)]))
        }
        let history = try await log.keyHistory()
        let logKeys = history.keys.filter { $0.fromSize <= size }.map { BundleHeader.LogKey(verifierKey: $0.verifierKey, fromSize: $0.fromSize) }
        let (latest, receipts) = try await self.latest(log: log, plan: checkpoint, hqKeys: hqKeys, cosigners: cosigners)
        let header = BundleHeader(plan: plan, logKeys: logKeys, latest: latest, receipts: receipts, records: UInt64(records.count), entries: size,
                                  registerSize: central?.size)

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

    /// The newest checkpoint at least as new as the plan's that HQ cosigned by one of `hqKeys`,
    /// with its receipts and the consistency proof to it; the plan's own checkpoint and no
    /// receipt when there is none (the verifier refuses such a bundle, naming why).
    static func latest(log: any InspectedLog, plan: VerifiedCheckpoint, hqKeys: [String],
                       cosigners: CosignerResolver) async throws -> (BundleHeader.Latest, [BundleHeader.Receipt]) {
        var verifiers: [(key: String, verifier: any NoteVerifier)] = []
        for key in hqKeys {
            do {
                verifiers.append((try VerifierKey(parsing: key).string, try cosigners(key)))
            } catch {
                throw InspectionError(.usage, "\(key.prefix(80)) is not HQ's cosigner verifier key: \(error)",
                                      hint: "give HQ's trust file (--trust, from `creditsync hq keys export`) or HQ's cosigner.pub (--hq-key)")
            }
        }
        for size in Set(try await log.cosignedSizes()).sorted(by: >) where size >= plan.size {
            guard let text = try await log.checkpointText(size: size) else { continue }
            let checkpoint = try await log.verifyCheckpoint(text)
            let message = Array(checkpoint.note.text.utf8)
            var receipts: [BundleHeader.Receipt] = []
            for signature in try await log.receipts(size: size) {
                if let match = verifiers.first(where: { $0.verifier.name == signature.name && $0.verifier.keyID == signature.keyID && $0.verifier.verify(signature.signature, for: message) }) {
                    receipts.append(BundleHeader.Receipt(cosignerKey: match.key, signature: signature.line))
                }
            }
            guard !receipts.isEmpty else { continue }
            let proof = size == plan.size ? [] : try await log.consistencyProof(from: plan.size, to: size).hashes.map(\.base64)
            return (BundleHeader.Latest(checkpoint: checkpoint.text, consistency: proof), receipts)
        }
        return (BundleHeader.Latest(checkpoint: plan.text, consistency: []), [])
    }
}
