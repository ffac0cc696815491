import Foundation
import HQStorage
import LedgerCore
import LedgerStore

/// A feed on embedded storage: a ledger file of role `feed` under `feeds/`, written by HQ. It is
/// the province ledger's code exactly (entries, tiles, signed checkpoints in one transaction,
/// each change_id once), so a feed and a province log cannot drift apart in format.
final class SQLiteFeed: FeedStore {
    let ledger: LedgerStore

    var province: String { ledger.metadata.province }
    var origin: String { ledger.metadata.origin }
    var suite: Suite { ledger.suite }

    init(ledger: LedgerStore) {
        self.ledger = ledger
    }

    func append(_ entries: [PreparedEntry], signer: any NoteSigner, now: Date) async throws -> FeedAppendResult {
        let result = try await ledger.append(prepared: entries, signer: signer, now: now)
        guard let stored = try await ledger.checkpointRow(size: result.checkpoint.size) else {
            throw HQStorageError(.corrupt, "feed \(origin) lost the checkpoint it just stored", hint: "check the disk; restore feeds/ from backup")
        }
        return FeedAppendResult(appended: result.appended, duplicates: result.duplicates, checkpoint: stored)
    }

    func latestCheckpoint() async throws -> StoredCheckpoint {
        guard let row = try await ledger.latestCheckpointRow() else {
            throw HQStorageError(.corrupt, "feed \(origin) has no checkpoint", hint: "restore feeds/ from backup")
        }
        return row
    }

    func nextCheckpoint(after cursor: UInt64, maxEntries: UInt64) async throws -> StoredCheckpoint? {
        try await ledger.checkpointRow(after: cursor, maxEntries: maxEntries)
    }

    func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        try await ledger.checkpointRow(size: size)
    }

    func entries(from start: UInt64, to end: UInt64) async throws -> [[UInt8]] {
        try await ledger.entries(from: start, to: end)
    }

    func indexes(changeIDs: [String]) async throws -> [String: UInt64] {
        try await ledger.indexes(changeIDs: changeIDs)
    }

    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> ConsistencyProof {
        try await ledger.consistencyProof(from: oldSize, to: newSize)
    }

    func appendedAt(index: UInt64) async throws -> Date? {
        try await ledger.firstCheckpointTime(covering: index)
    }

    func addCosignature(size: UInt64, signature: NoteSignature, time: UInt64) async throws {
        do {
            try await ledger.storeReceipt(size: size, signature: signature, time: time)
        } catch let error as LedgerStoreError where error.codeValue == .noSuchCheckpoint {
            throw HQStorageError(.noSuchCheckpoint, "feed \(origin) has no checkpoint of size \(size) to attach a cosignature to",
                                 hint: "a province cosigns a feed checkpoint HQ delivered")
        }
    }

    /// `fsck` of the feed's ledger file with HQ's feed keys (those the caller trusts, not the
    /// ones the file records).
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        do {
            return try await ledger.verify(keys: keys)
        } catch let error as LedgerStoreError where error.codeValue == .corrupt {
            throw HQStorageError.corruptFeed(VerificationFailure(error.message, index: error.index), province: province)
        }
    }

    func cosignatures() async throws -> [StoredReceipt] {
        try await ledger.receipts().map {
            StoredReceipt(size: $0.size, cosigner: $0.cosigner, keyID: $0.keyID, time: $0.time, signature: $0.signature)
        }
    }
}
