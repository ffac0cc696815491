public import Foundation
public import LedgerCore

/// A bundle whose every byte has been checked (`BundleVerifier`).
public struct VerifiedBundle: Sendable {
    public var plan: InspectionPlan
    public var checkpoint: VerifiedCheckpoint
    public var suite: SuiteID
    /// The sampled records, in the plan's order.
    public var records: [BundleRecord]
    /// HQ's keys whose receipts verified, as name and key id.
    public var receipts: [String]
    /// The log keys HQ enrolled that the checkpoint was verified with, as name and key id.
    public var logKeys: [String]
    /// The size of the newest checkpoint HQ cosigned, which the plan's is consistent with.
    public var latestSize: UInt64
    /// The draw point: the province's acknowledgement of the notice in its log.
    public var point: DrawScan.DrawPoint
    /// The size of HQ's central register the records' `central` members were read at (nil: none).
    public var registerSize: UInt64?
    /// The bundle file, for a second pass over its log (`currentRecords(among:)`).
    public var url: URL
    /// The SHA-256 (hex) of the file as verified: what a result names its bundle by.
    public var fileSHA256 = ""
    public var entries: UInt64
}

/// `creditsync inspect verify`: checks a bundle offline, in one streaming pass. The checkpoint's
/// signature by the enrolled log key, HQ's receipts, the order of the draw after the notice, every
/// record's inclusion proof and tlog-proof, the root of the log's entries, and the plan drawn
/// again from those entries must all hold; the first that fails is the error, named.
public enum BundleVerifier {
    /// `trust`: the keys HQ exported. The checkpoint must verify with the log keys HQ enrolled for
    /// its origin and the bundle must carry exactly those; at least one receipt by an HQ key of
    /// the trust file must cosign a checkpoint at least as new as the plan's, with a consistency
    /// proof from the plan's to it. Keys the bundle carries are compared, never trusted.
    public static func verify(_ url: URL, trust: InspectionTrust, resolve: (SuiteID) -> Suite,
                              cosigners: CosignerResolver = CosignerKeys.ed25519) throws -> VerifiedBundle {
        var state: Reading?
        var line = 0
        let digest = try BundleFile.readLines(url) { bytes in
            line += 1
            if var reading = state {
                try reading.add(bytes, line: line)
                state = reading
            } else {
                state = try Reading(header: bytes, trust: trust, resolve: resolve, cosigners: cosigners)
            }
        }
        guard var state else { throw InspectionError.verification("the bundle is empty") }
        state.url = url
        var bundle = try state.finish()
        bundle.fileSHA256 = digest
        return bundle
    }

    struct Reading {
        let header: BundleHeader
        let checkpoint: VerifiedCheckpoint
        let suite: Suite
        let receipts: [String]
        let logKeys: [String]
        let latestSize: UInt64
        let feed: VerifiedCheckpoint
        var url = URL(fileURLWithPath: "/")
        var records: [BundleRecord] = []
        var scan: DrawScan
        var frontier = MerkleFrontier()

        init(header bytes: ArraySlice<UInt8>, trust: InspectionTrust, resolve: (SuiteID) -> Suite, cosigners: CosignerResolver) throws {
            let value = try Reading.canonical(bytes, what: "the header (line 1)")
            do {
                header = try BundleHeader(json: value)
            } catch let error as InspectionError {
                throw InspectionError.verification("the header (line 1): \(error.message)")
            }
            let plan = header.plan
            guard let suiteID = plan.checkpoint.suite else {
                throw InspectionError.verification("the checkpoint names an unknown suite (\(plan.checkpoint.extensions.joined(separator: "; ")))")
            }
            suite = resolve(suiteID)
            let origin = plan.checkpoint.origin
            let trusted = try trust.keyHistory(origin: origin, suite: suite)
            let enrolled = trusted.keys.filter { $0.fromSize <= plan.checkpoint.size }
            // A bundle that carries other keys than HQ enrolled was made with them: name the first.
            for (carried, expected) in zip(header.logKeys, enrolled) where carried.verifierKey != expected.verifierKey || carried.fromSize != expected.fromSize {
                throw InspectionError(.trust, "the bundle's log key \(Reading.describe(carried.verifierKey)) is not the key HQ enrolled for \(origin) (\(Reading.describe(expected.verifierKey)))",
                                      hint: "this bundle was not made from the enrolled province's log; do not use it")
            }
            guard header.logKeys.count == enrolled.count else {
                throw InspectionError(.trust, "the bundle carries \(header.logKeys.count) log keys of \(origin); HQ enrolled \(enrolled.count) up to size \(plan.checkpoint.size)",
                                      hint: "this bundle was not made from the enrolled province's log; do not use it")
            }
            logKeys = enrolled.map { Reading.describe($0.verifierKey) }
            do {
                checkpoint = try trusted.verify(UnverifiedCheckpoint(parsing: plan.checkpointText), suite: suiteID)
            } catch {
                throw InspectionError(.trust, "the checkpoint does not verify with the log key HQ enrolled for \(origin): \(error.message)",
                                      hint: "this bundle was not made from the enrolled province's log; do not use it")
            }
            guard header.entries == checkpoint.size else {
                throw InspectionError.verification("the bundle says it holds \(header.entries) log entries; the checkpoint is of size \(checkpoint.size)")
            }
            let latest = try Reading.latest(header.latest, plan: checkpoint, keys: trusted, suite: suite)
            latestSize = latest.size
            guard !header.receipts.isEmpty else {
                throw InspectionError(.trust, "the bundle holds no HQ receipt: nothing shows HQ mirrored this log up to the plan's checkpoint",
                                      hint: "make the bundle from a checkpoint HQ has cosigned (sync first), with --trust or --hq-key")
            }
            var names: [String] = []
            for (number, receipt) in header.receipts.enumerated() {
                guard trust.cosignerKeys.contains(receipt.cosignerKey) else {
                    throw InspectionError(.trust, "HQ receipt \(number + 1) is by \(Reading.describe(receipt.cosignerKey)), which is not one of HQ's keys in the trust file",
                                          hint: "this bundle's receipts were not made by HQ; do not use it")
                }
                names.append(try Reading.verify(receipt, number: number + 1, checkpoint: latest, cosigners: cosigners))
            }
            receipts = names
            feed = try DrawOrder.verifyNotice(plan, origin: checkpoint.checkpoint.origin, trust: trust, suite: suite)
            scan = DrawScan(notice: plan.notice, noticeIndex: plan.evidence.noticeIndex, feedCheckpoints: [feed.size: feed.root.base64], hasher: suite.treeHasher)
        }

        static func describe(_ key: String) -> String {
            (try? VerifierKey(parsing: key))?.described ?? "\"\(key.prefix(80))\""
        }

        /// The checkpoint HQ's receipts cosign: the plan's or a later one of the same log,
        /// consistent with it.
        static func latest(_ latest: BundleHeader.Latest, plan: VerifiedCheckpoint, keys: LogKeyHistory, suite: Suite) throws -> VerifiedCheckpoint {
            let verified: VerifiedCheckpoint
            do {
                verified = try keys.verify(UnverifiedCheckpoint(parsing: latest.checkpoint), suite: suite.id)
            } catch {
                throw InspectionError(.trust, "the latest checkpoint in the bundle does not verify with the log key HQ enrolled: \(error.message)",
                                      hint: "this bundle was not made from the enrolled province's log; do not use it")
            }
            guard verified.checkpoint.origin == plan.checkpoint.origin else {
                throw InspectionError.verification("the latest checkpoint is of \(verified.checkpoint.origin), not \(plan.checkpoint.origin)")
            }
            guard verified.size >= plan.size else {
                throw InspectionError(.trust, "stale: the checkpoint HQ cosigned (size \(verified.size)) is older than the plan's (size \(plan.size))",
                                      hint: "HQ has not vouched for the log the sample was drawn from; bundle again once HQ has cosigned the plan's checkpoint")
            }
            let hashes = try latest.consistency.map { text in
                guard let hash = Hash(base64: text) else { throw InspectionError.verification("the consistency proof holds \"\(text.prefix(60))\", not a base64 hash") }
                return hash
            }
            do {
                try ConsistencyProof(oldSize: plan.size, newSize: verified.size, hashes: hashes)
                    .verify(oldRoot: plan.root, newRoot: verified.root, hasher: suite.treeHasher)
            } catch {
                throw InspectionError.verification("the plan's checkpoint (size \(plan.size)) is not consistent with the checkpoint HQ cosigned (size \(verified.size)): \(error.message)")
            }
            return verified
        }

        static func verify(_ receipt: BundleHeader.Receipt, number: Int, checkpoint: VerifiedCheckpoint, cosigners: CosignerResolver) throws -> String {
            let verifier: any NoteVerifier
            do {
                verifier = try cosigners(receipt.cosignerKey)
            } catch {
                throw InspectionError.verification("HQ receipt \(number) has no valid cosigner key: \(error)")
            }
            do {
                let signatures = try SignedNote.parseSignatureLines(receipt.signature)
                guard signatures.count == 1, let signature = signatures.first, signature.name == verifier.name, signature.keyID == verifier.keyID,
                      verifier.verify(signature.signature, for: Array(checkpoint.note.text.utf8)) else {
                    throw InspectionError.verification("HQ receipt \(number) (\(describe(receipt.cosignerKey))) does not verify for the checkpoint of size \(checkpoint.size)")
                }
                return describe(receipt.cosignerKey)
            } catch let error as LedgerCoreError {
                throw InspectionError.verification("HQ receipt \(number) is malformed: \(error.message)")
            }
        }

        static func canonical(_ bytes: ArraySlice<UInt8>, what: String) throws -> JSONValue {
            guard let value = try? JSONParser.parse(bytes), CanonicalJSON.encode(value).elementsEqual(bytes) else {
                throw InspectionError.verification("\(what) is not canonical JSON: the bundle was edited")
            }
            return value
        }

        mutating func add(_ bytes: ArraySlice<UInt8>, line: Int) throws {
            let recordLines = Int(clamping: header.records)
            if line <= 1 + recordLines {
                try addRecord(bytes, line: line)
            } else {
                guard frontier.size < header.entries else {
                    throw InspectionError.verification("line \(line): the bundle has more lines than its header announces")
                }
                let leaf = suite.treeHasher.leafHash(Array(bytes))
                frontier.append(leaf, hasher: suite.treeHasher)
                do {
                    try scan.add(bytes, leafHash: leaf)
                } catch {
                    throw InspectionError.verification("log entry \(frontier.size - 1) (line \(line)) of the bundle is not a change record")
                }
            }
        }

        mutating func addRecord(_ bytes: ArraySlice<UInt8>, line: Int) throws {
            let record: BundleRecord
            do {
                record = try BundleRecord(json: Reading.canonical(bytes, what: "record line \(line)"))
            } catch let error as InspectionError where error.codeValue != .verification {
                throw InspectionError.verification("record line \(line): \(error.message)")
            }
            let name = "record \(record.category) \(record.id) (entry \(record.index), line \(line))"
            let size = checkpoint.size
            guard record.proof.leafIndex == record.index, record.proof.treeSize == size else {
                throw InspectionError.verification("\(name): its proof is for entry \(record.proof.leafIndex) in a tree of \(record.proof.treeSize), not entry \(record.index) in \(size)")
            }
            guard suite.treeHasher.leafHash(record.entry) == record.proof.leafHash else {
                throw InspectionError.verification("\(name): the entry's bytes do not hash to the leaf its proof is for")
            }
            do {
                try record.proof.verify(root: checkpoint.root, hasher: suite.treeHasher)
            } catch {
                throw InspectionError.verification("\(name): \(error.message)")
            }
            guard record.tlogProof == TLogProof(index: record.index, hashes: record.proof.hashes, checkpoint: header.plan.checkpointText).text else {
                throw InspectionError.verification("\(name): its tlog-proof is not the proof and checkpoint of the record")
            }
            let value = record.value
            guard value["category"]?.stringValue?.utf8.elementsEqual(record.category.utf8) == true,
                  value["id"]?.stringValue?.utf8.elementsEqual(record.id.utf8) == true,
                  (value["entity"]?["uscc"]?.stringValue ?? "") == record.uscc else {
                throw InspectionError.verification("\(name): the entry is not the record the line names")
            }
            let sample = header.plan.sample
            guard records.count < sample.count, case let item = sample[records.count], item.stratum.utf8.elementsEqual(record.stratum.utf8),
                  item.rank == record.rank, item.category.utf8.elementsEqual(record.category.utf8), item.id.utf8.elementsEqual(record.id.utf8),
                  item.index == record.index else {
                throw InspectionError.verification("\(name): not the plan's sampled record at this place (record lines follow the plan's sample, in order)")
            }
            records.append(record)
        }

        func finish() throws -> VerifiedBundle {
            guard records.count == Int(clamping: header.records) else {
                throw InspectionError.verification("the bundle announces \(header.records) records and holds \(records.count)")
            }
            guard frontier.size == header.entries else {
                throw InspectionError.verification("the bundle holds \(frontier.size) log entries; its checkpoint is of size \(header.entries)")
            }
            let root = frontier.root(hasher: suite.treeHasher)
            guard root == checkpoint.root else {
                throw InspectionError.verification("the log in the bundle has root \(root.base64); the checkpoint's root is \(checkpoint.root.base64)")
            }
            let plan = header.plan
            try DrawOrder.verifyPoint(scan.point, feed: feed, plan: plan)
            guard records.count == plan.sample.count else {
                throw InspectionError.verification("the bundle holds \(records.count) record lines for a sample of \(plan.sample.count): every sampled record must be in it")
            }
            var drawn = try InspectionPlan.draw(noticeBytes: plan.noticeBytes, evidence: plan.evidence, checkpoint: checkpoint, secret: plan.secret,
                                                scan: scan)
            drawn.name(from: Dictionary(records.map { ($0.index, $0.entry) }, uniquingKeysWith: { first, _ in first }))
            if let difference = plan.difference(from: drawn) {
                throw InspectionError.verification("the sample does not follow from the notice, the secret, the checkpoint and the log: \(difference)")
            }
            guard plan.canonicalBytes == drawn.canonicalBytes else {
                throw InspectionError.verification("the plan in the bundle is not the plan drawn again from its log")
            }
            return VerifiedBundle(plan: plan, checkpoint: checkpoint, suite: suite.id, records: records, receipts: receipts, logKeys: logKeys,
                                  latestSize: latestSize, point: drawn.point, registerSize: header.registerSize, url: url, entries: frontier.size)
        }
    }
}

extension VerifiedBundle {
    /// Which of `keys` (`category/id` as UTF-8 bytes) the province's log holds as current records
    /// before the draw point: one more pass over the bundle's log lines, tracking those keys only
    /// (a hash join: memory follows `keys`, not the log).
    public func currentRecords(among keys: Set<[UInt8]>) throws -> Set<[UInt8]> {
        guard !keys.isEmpty else { return [] }
        var live: [[UInt8]: Bool] = [:]
        var line = 0
        let skip = 1 + records.count
        let digest = try BundleFile.readLines(url) { bytes in
            line += 1
            let index = line - skip - 1
            guard index >= 0, UInt64(index) < point.size,
                  let value = try? JSONParser.parse(bytes), let category = value["category"]?.stringValue, let id = value["id"]?.stringValue else { return }
            let key = RecordKey.bytes(category, id)
            if keys.contains(key) { live[key] = value["op"]?.stringValue == ChangeRecord.Operation.upsert.rawValue }
        }
        guard digest == fileSHA256 else {
            throw InspectionError.verification("the bundle file changed after it was verified (SHA-256 \(digest), verified \(fileSHA256))")
        }
        return Set(live.filter(\.value).keys)
    }

    /// The categories the notice samples (its strata's and its claimed fixes').
    public var sampledCategories: Set<String> { plan.notice.sampledCategories }
}
