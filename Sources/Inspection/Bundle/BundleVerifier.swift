public import Foundation
public import LedgerCore

/// A bundle whose every byte has been checked (`BundleVerifier`).
public struct VerifiedBundle: Sendable {
    public var plan: InspectionPlan
    public var checkpoint: VerifiedCheckpoint
    public var suite: SuiteID
    /// The sampled entities' current records, by rank then log index.
    public var records: [BundleRecord]
    /// The names of the HQ cosigners whose receipts verified.
    public var receipts: [String]
    public var entries: UInt64
}

/// `creditsync inspect verify`: checks a bundle offline, in one streaming pass. The checkpoint's
/// signature by the log's key, HQ's receipts, every record's inclusion proof and tlog-proof, the
/// root of the log's entries, and the plan drawn again from those entries must all hold; the
/// first that fails is the error, named.
public enum BundleVerifier {
    public static func verify(_ url: URL, resolve: (SuiteID) -> Suite, cosigners: CosignerResolver = CosignerKeys.ed25519) throws -> VerifiedBundle {
        var state: Reading?
        var line = 0
        try BundleFile.readLines(url) { bytes in
            line += 1
            if var reading = state {
                try reading.add(bytes, line: line)
                state = reading
            } else {
                state = try Reading(header: bytes, resolve: resolve, cosigners: cosigners)
            }
        }
        guard let state else { throw InspectionError.verification("the bundle is empty") }
        return try state.finish()
    }

    struct Reading {
        let header: BundleHeader
        let checkpoint: VerifiedCheckpoint
        let suite: Suite
        let receipts: [String]
        var records: [BundleRecord] = []
        var scan: LogScan
        var frontier = MerkleFrontier()

        init(header bytes: ArraySlice<UInt8>, resolve: (SuiteID) -> Suite, cosigners: CosignerResolver) throws {
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
            do {
                let keys = try LogKeyHistory(header.logKeys.map { ($0.verifierKey, $0.fromSize) }, suite: suite)
                checkpoint = try keys.verify(UnverifiedCheckpoint(parsing: plan.checkpointText), suite: suiteID)
            } catch {
                throw InspectionError.verification("the checkpoint does not verify with the log's keys in the bundle: \(error.message)")
            }
            guard header.entries == checkpoint.size else {
                throw InspectionError.verification("the bundle says it holds \(header.entries) log entries; the checkpoint is of size \(checkpoint.size)")
            }
            var names: [String] = []
            for (number, receipt) in header.receipts.enumerated() {
                names.append(try Reading.verify(receipt, number: number + 1, checkpoint: checkpoint, cosigners: cosigners))
            }
            receipts = names
            scan = LogScan(tracking: Set(plan.sample.map(\.uscc)))
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
                    throw InspectionError.verification("HQ receipt \(number) (\(verifier.name)) does not verify for the checkpoint")
                }
                return verifier.name
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
                frontier.append(suite.treeHasher.leafHash(Array(bytes)), hasher: suite.treeHasher)
                do {
                    try scan.add(bytes)
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
            guard value["category"]?.stringValue == record.category, value["id"]?.stringValue == record.id,
                  value["entity"]?["uscc"]?.stringValue == record.uscc else {
                throw InspectionError.verification("\(name): the entry is not the record the line names")
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
            let drawn = try InspectionPlan.draw(checkpoint: checkpoint, inspectionID: plan.inspectionID, sampleSize: plan.sampleSize,
                                                weights: plan.weights, members: scan.members())
            if let difference = plan.difference(from: drawn) {
                throw InspectionError.verification("the sample does not follow from the checkpoint and the log: \(difference)")
            }
            guard plan.canonicalBytes == drawn.canonicalBytes else {
                throw InspectionError.verification("the plan in the bundle is not the plan drawn again from its log")
            }
            let expected = BundleOrder.sorted(scan.records(), plan: plan)
            let held = records.map(\.ref)
            if held != expected {
                let missing = expected.first { !held.contains($0) }
                let extra = held.first { !expected.contains($0) }
                let detail = missing.map { "the current record \($0.category) \($0.id) (entry \($0.index)) of \($0.uscc) is missing" }
                    ?? extra.map { "\($0.category) \($0.id) (entry \($0.index)) is not a current record of \($0.uscc)" }
                    ?? "the records are out of order"
                throw InspectionError.verification("the bundle's records are not the sampled entities' current records: \(detail)")
            }
            return VerifiedBundle(plan: plan, checkpoint: checkpoint, suite: suite.id, records: records, receipts: receipts, entries: frontier.size)
        }
    }
}
