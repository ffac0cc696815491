import Foundation
import HQStorage
import LedgerCore
import NationalCrypto
import SyncProtocol

/// One province's feed as the handlers serve it (Protocol/sync.md §7): deliveries after the
/// province's cursor, and the province's cosignatures of what it accepted.
struct FeedService: Sendable {
    let feed: any FeedStore
    let enrolment: Enrolment
    /// Read at every cosignature, so a revocation takes effect at the next one.
    let registry: any RegistryStore
    /// Signs each delivery's view of the feed (the province's suite's receipt key).
    let cosigner: HQCosigner

    /// The delivery body after `from`: a header line (with HQ's cosigned view of the feed at `now`), then the entries up to the next feed
    /// checkpoint (the last one within `maxEntries`, or the first after `from` if none is), one
    /// canonical entry per line.
    func delivery(from: UInt64, maxEntries: UInt64 = FeedAPI.maximumDeliveryEntries, now: Date) async throws -> [UInt8] {
        let latest = try await feed.latestCheckpoint()
        guard from <= latest.size else {
            throw HQError(.stale, "the cursor \(from) is beyond HQ's feed of \(feed.province), which has \(latest.size) entries",
                          hint: "HQ's feed was restored from an older backup, or this is not the HQ that delivered it: contact HQ's operators")
        }
        var target = try await feed.nextCheckpoint(after: from, maxEntries: maxEntries) ?? latest
        var entries = try await feed.entries(from: from, to: target.size)
        // Import chunks are at most 8 MiB, so one chunk always fits the province's read limit;
        // several chunks together may not, and then only the first goes.
        if entries.reduce(0, { $0 + $1.count + 1 }) > FeedAPI.maximumDeliveryBytes / 2,
           let first = try await feed.nextCheckpoint(after: from, maxEntries: 1), first.size < target.size {
            target = first
            entries.removeLast(entries.count - Int(first.size - from))
        }
        let proof = from > 0 && target.size > from ? try await feed.consistencyProof(from: from, to: target.size).hashes : []
        // HQ's view now: its latest checkpoint, cosigned with the time of this answer.
        let view = FeedView(checkpoint: latest.note, cosignature: try cosigner.cosign(try latest.checkpoint, time: UInt64(max(0, now.timeIntervalSince1970))).line)
        let header = FeedDeliveryHeader(origin: feed.origin, from: from, size: target.size, latest: latest.size, checkpoint: target.note, consistency: proof,
                                        view: view)
        var body = Array(try JSONEncoder.sync.encode(header))
        body.append(0x0A)
        for entry in entries {
            body += entry
            body.append(0x0A)
        }
        return body
    }

    /// Verifies the province's cosignature of a delivered feed checkpoint with its enrolled log
    /// key (as a cosigner of its suite) and keeps it as proof of delivery.
    func acceptCosignature(_ submission: FeedCosignature) async throws -> StoredReceipt {
        guard let stored = try await feed.checkpoint(size: submission.size) else {
            throw HQError(.problem(.notFound), "HQ's feed of \(feed.province) has no checkpoint of size \(submission.size)",
                          hint: "cosign a feed checkpoint HQ delivered")
        }
        let note = try UnverifiedCheckpoint(parsing: stored.note).note
        // A body that is not one signature line is malformed (400), told apart from a line that
        // does not verify (403): the province has a bug to fix, not a key to check.
        let lines: [NoteSignature]
        do {
            lines = try SignedNote.parseSignatureLines(submission.cosignature)
        } catch {
            throw HQError(.problem(.malformed), "the cosignature of feed checkpoint \(submission.size) is not a signature line: \(error.message)",
                          hint: "send the one line \"— <name> <base64>\\n\" the province's log key made (Protocol/formats.md §6)")
        }
        guard lines.count == 1 else {
            throw HQError(.problem(.malformed), "the cosignature of feed checkpoint \(submission.size) has \(lines.count) signature lines, not one",
                          hint: "send the one line the province's log key made (Protocol/formats.md §6)")
        }
        // A revoked log key cosigns nothing (Protocol/sync.md §7.4), even while it is still the
        // enrolled one (a province whose key leaked rotates it, and HQ enrols the new one).
        if try await registry.isRevoked(.logKey, enrolment.verifierKey) {
            throw HQError(.revoked, "the log key of \(feed.province) is revoked; it cosigns no feed checkpoint",
                          hint: "rotate the ledger's key (`creditsync province rotate-key`) and have HQ enrol the new one")
        }
        let signature: NoteSignature
        do {
            // Only the province's current log key: a rotated-out key cosigns nothing.
            let verifiers = [try LogKeyCosigning.verifier(forLogKey: enrolment.verifierKey)]
            signature = try SignedNote(text: note.text, signatures: lines).verify(verifiers)[0]
        } catch {
            throw HQError(.signatureInvalid, "the cosignature of feed checkpoint \(submission.size) does not verify with \(feed.province)'s enrolled log key: \(error)",
                          hint: "the province cosigns with its log key (Protocol/formats.md §6)")
        }
        let time = Cosignatures.timestamp(of: signature.signature) ?? 0
        try await feed.addCosignature(size: submission.size, signature: signature, time: time)
        return StoredReceipt(size: submission.size, cosigner: signature.name, keyID: signature.keyID, time: time, signature: signature)
    }
}
