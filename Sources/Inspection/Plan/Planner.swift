public import HQStorage
public import LedgerCore

/// Draws an inspection's sample at HQ (`inspect plan`): finds the notice in the province's
/// feed, the province's first cosignature of a feed checkpoint holding it (T_c), and the first
/// checkpoint of the province's log HQ cosigned after T_c; checks the revealed secret against the
/// notice's commitment; and draws there (Protocol/inspection.md §1).
public enum Planner {
    public static func plan(inspectionID: String, secret: [UInt8], feed: any FeedStore, log: any InspectedLog,
                            receipts: [StoredReceipt]) async throws -> InspectionPlan {
        try InspectionPlan.validate(inspectionID: inspectionID)
        let changeID = "inspection/\(inspectionID)/notice"
        guard let noticeIndex = try await feed.indexes(changeIDs: [changeID])[changeID] else {
            throw InspectionError(.usage, "HQ's feed of \(feed.province) holds no notice of inspection \(inspectionID)",
                                  hint: "announce it first with `creditsync inspect announce`, and let the province sync")
        }
        let noticeBytes = try await feed.entries(from: noticeIndex, to: noticeIndex + 1)[0]
        let notice = try InspectionNotice(entry: noticeBytes)
        guard secret.count == 32, InspectionNotice.commitment(secret: secret) == notice.commitment else {
            throw InspectionError(.order, "the secret given does not match the commitment in the notice of inspection \(inspectionID)",
                                  hint: "give the secret file `inspect announce` wrote for this inspection")
        }
        // The province's first cosignature of a feed checkpoint that holds the notice.
        guard let acknowledgement = try await feed.cosignatures().filter({ $0.size > noticeIndex }).min(by: { ($0.time, $0.size) < ($1.time, $1.size) }),
              let feedCheckpoint = try await feed.checkpoint(size: acknowledgement.size) else {
            throw InspectionError(.order, "\(feed.province) has not acknowledged the notice of inspection \(inspectionID) yet (no cosignature of a feed checkpoint holding it)",
                                  hint: "wait for the province's next sync, then plan")
        }
        let leaves = try await feed.entries(from: 0, to: acknowledgement.size).map { log.suite.treeHasher.leafHash($0) }
        let proof = try MerkleProofs(hasher: log.suite.treeHasher).inclusionProof(index: noticeIndex, size: acknowledgement.size,
                                                                                  reader: InMemoryMerkleTree(hasher: log.suite.treeHasher, leafHashes: leaves))
        // The first checkpoint of the province's log HQ cosigned after that.
        guard let receipt = receipts.filter({ $0.time > acknowledgement.time }).min(by: { ($0.time, $0.size) < ($1.time, $1.size) }),
              let text = try await log.checkpointText(size: receipt.size) else {
            throw InspectionError(.order, "HQ has not cosigned a checkpoint of \(feed.province) since the province acknowledged the notice at \(UTCTimestamp.rfc3339(seconds: Int64(acknowledgement.time)))",
                                  hint: "wait for the province's next sync, then plan")
        }
        let checkpoint = try await log.verifyCheckpoint(text)
        let evidence = InspectionPlan.Evidence(noticeIndex: noticeIndex, feedCheckpoint: feedCheckpoint.note, noticeProof: proof,
                                               acknowledgement: acknowledgement.signature.line, receipt: receipt.signature.line)
        return try await draw(log: log, noticeBytes: noticeBytes, evidence: evidence, checkpoint: checkpoint, secret: secret)
    }

    /// Draws from `log` at `checkpoint` (one pass over its entries) and names the drawn records'
    /// entities from their entries: what `inspect plan`, `inspect bundle` and the tests share.
    public static func draw(log: any InspectedLog, noticeBytes: [UInt8], evidence: InspectionPlan.Evidence, checkpoint: VerifiedCheckpoint,
                            secret: [UInt8]) async throws -> InspectionPlan {
        let scan = try await log.scan(size: checkpoint.size, notice: try InspectionNotice(entry: noticeBytes))
        var plan = try InspectionPlan.draw(noticeBytes: noticeBytes, evidence: evidence, checkpoint: checkpoint, secret: secret, members: scan.members())
        var entries: [UInt64: [UInt8]] = [:]
        for item in plan.sample { entries[item.index] = try await log.entries(from: item.index, to: item.index + 1).first }
        plan.name(from: entries)
        return plan
    }
}
