public import HQStorage
public import LedgerCore

/// Draws an inspection's sample at HQ (`inspect plan`): finds the notice in the province's
/// feed and the province's acknowledgement of it in its own log (the draw point), takes the first
/// checkpoint HQ cosigned that holds it, checks the revealed secret against the notice's
/// commitment, and draws (Protocol/inspection.md §1). Which checkpoint holds the draw point does
/// not change the sample: it is drawn over the entries before the draw point.
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
        // The draw point: the first acknowledgement of the notice in the province's log, as far as
        // HQ has cosigned it.
        guard let cosigned = receipts.map(\.size).max() else {
            throw InspectionError(.order, "HQ has cosigned no checkpoint of \(feed.province)", hint: "wait for the province's next sync, then plan")
        }
        // The feed's signed checkpoints after the notice: an acknowledgement must name one of them.
        var feedCheckpoints: [UInt64: String] = [:]
        var cursor = noticeIndex
        while let next = try await feed.nextCheckpoint(after: cursor, maxEntries: 1) {
            feedCheckpoints[next.size] = next.root.base64
            cursor = next.size
        }
        var scan = DrawScan(notice: notice, noticeIndex: noticeIndex, feedCheckpoints: feedCheckpoints, hasher: log.suite.treeHasher)
        var start: UInt64 = 0
        while start < cosigned, scan.point == nil {
            let end = min(cosigned, start + 4_096)
            for entry in try await log.entries(from: start, to: end) where scan.point == nil { try scan.add(entry) }
            start = end
        }
        guard let point = scan.point else {
            throw InspectionError(.order, "\(feed.province) has not acknowledged the notice of inspection \(inspectionID) in its log yet (up to size \(cosigned), which HQ cosigned)",
                                  hint: "wait for the province's next sync, then plan")
        }
        guard let size = receipts.map(\.size).filter({ $0 >= point.size }).min(), let text = try await log.checkpointText(size: size),
              let feedCheckpoint = try await feed.checkpoint(size: point.feedSize) else {
            throw InspectionError(.order, "HQ holds no checkpoint of \(feed.province) at or after the draw point \(point.size), or no feed checkpoint of size \(point.feedSize)",
                                  hint: "wait for the province's next sync, then plan")
        }
        // Feeds are small (HQ's items for one province): the proof is computed from its leaves.
        let leaves = try await feed.entries(from: 0, to: point.feedSize).map { log.suite.treeHasher.leafHash($0) }
        let proof = try MerkleProofs(hasher: log.suite.treeHasher).inclusionProof(index: noticeIndex, size: point.feedSize,
                                                                                  reader: InMemoryMerkleTree(hasher: log.suite.treeHasher, leafHashes: leaves))
        let checkpoint = try await log.verifyCheckpoint(text)
        let evidence = InspectionPlan.Evidence(noticeIndex: noticeIndex, feedCheckpoint: feedCheckpoint.note, noticeProof: proof)
        return try await named(try InspectionPlan.draw(noticeBytes: noticeBytes, evidence: evidence, checkpoint: checkpoint, secret: secret, scan: scan), log: log)
    }

    /// Draws from `log` at `checkpoint` (one pass over its entries) and names the drawn records'
    /// entities from their entries: what `inspect bundle` and the tests share with `plan`.
    public static func draw(log: any InspectedLog, noticeBytes: [UInt8], evidence: InspectionPlan.Evidence, checkpoint: VerifiedCheckpoint,
                            secret: [UInt8]) async throws -> InspectionPlan {
        let feed = try UnverifiedCheckpoint(parsing: evidence.feedCheckpoint).checkpoint
        var scan = DrawScan(notice: try InspectionNotice(entry: noticeBytes), noticeIndex: evidence.noticeIndex,
                            feedCheckpoints: [feed.size: feed.root.base64], hasher: log.suite.treeHasher)
        try await log.forEachEntry(size: checkpoint.size) { try scan.add($0) }
        return try await named(try InspectionPlan.draw(noticeBytes: noticeBytes, evidence: evidence, checkpoint: checkpoint, secret: secret, scan: scan), log: log)
    }

    static func named(_ drawn: InspectionPlan, log: any InspectedLog) async throws -> InspectionPlan {
        var plan = drawn
        var entries: [UInt64: [UInt8]] = [:]
        for item in plan.sample { entries[item.index] = try await log.entries(from: item.index, to: item.index + 1).first }
        plan.name(from: entries)
        return plan
    }
}
