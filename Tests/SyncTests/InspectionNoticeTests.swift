import Foundation
import HQNode
import HQStorage
import Inspection
import LedgerCore
import LedgerStore
import Mirroring
import ProvinceNode
import SyncProtocol
import Testing
import TestSupport

/// HQ's notice of an on-site inspection goes down the province's feed (Protocol/inspection.md
/// §1.1): the province verifies, stores and cosigns it, publishes nothing for it, and HQ's intake
/// accounting does not count it as a central item.
@Suite("Inspection notices in the feed")
struct InspectionNoticeTests {
    @Test("a notice is delivered, stored as delivered, cosigned and published under no entity; intake accounting passes", arguments: StorageBackend.allCases)
    func delivered(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 5)
        let secret = [UInt8](repeating: 3, count: 32)
        let notice = try InspectionNotice(inspectionID: "2026-HQ-INSP-040", province: "440000", strata: [.init(name: "admin_penalty", count: 2)],
                                          fixedClaims: [], scopeFrom: "2023-12-08", rulesVersion: "2026.9", rulesSHA256: String(repeating: "b", count: 64),
                                          commitment: InspectionNotice.commitment(secret: secret), announcedOn: "2026-12-07")
        let feed = try await harness.hqData.feed(province: "440000")
        let signer = try harness.hqData.keys.feedSigner(province: "440000", suite: .sha256Ed25519)
        #expect(try await Announcement.append(notice, to: feed, signer: signer, now: Date()) == 0)
        // Announcing it again appends nothing; another notice under the same id is refused.
        #expect(try await Announcement.append(notice, to: feed, signer: signer, now: Date()) == 0)
        var other = notice
        other.strata = [.init(name: "admin_penalty", count: 3)]
        await #expect(performing: { try await Announcement.append(other, to: feed, signer: signer, now: Date()) },
                      throws: { ($0 as? InspectionError)?.message.contains("was announced to 440000 before, with another notice") == true })

        try await harness.withHQ { hq in
            _ = try await hq.sync(ledger)
            let sizeBefore = try await ledger.store.size()
            let received = try await FeedTests.receive(hq, ledger)
            #expect(received.applied == 1 && received.cursor == 1)
            // Stored as delivered; nothing published, only the acknowledgement appended.
            let stored = try await ledger.store.centralRisk(uscc: "")
            #expect(stored.count == 1 && stored[0].entry == notice.canonicalBytes)
            #expect(try await ledger.store.size() == sizeBefore + 1)
            #expect(FeedAcknowledgement(entry: try await ledger.store.entry(at: sizeBefore)) != nil)
            // HQ holds the province's cosignature of the feed checkpoint holding it.
            #expect(try await feed.cosignatures().contains { $0.size == 1 })
        }
        let report = try await IntakeVerification(data: harness.hqData).run()
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test("a notice that is not HQ's (origin local) is refused by the province's feed verifier")
    func localNoticeRefused() throws {
        let suite = Suite.sha256Ed25519
        let signer = try Ed25519NoteSigner.generate(name: FeedOrigin.of(province: "440000"))
        let verifier = FeedVerifier(province: "440000", suite: suite, feedKey: try suite.signatures.verifier(name: signer.name, publicKey: signer.publicKey))
        let entry = Array(#"{"category":"inspection_notice","change_id":"inspection/X/notice","fields":{},"id":"X","op":"upsert","origin":"local","province":"440000","v":1}"#.utf8)
        let checkpoint = try VerifiedCheckpoint.sign(Checkpoint(origin: signer.name, size: 1, root: suite.treeHasher.leafHash(entry), suite: suite.id), with: signer)
        let header = FeedDeliveryHeader(origin: signer.name, from: 0, size: 1, latest: 1, checkpoint: checkpoint.text, consistency: [])
        #expect(performing: { try verifier.verify(header: header, entries: [entry], cursor: nil) }, throws: { error in
            guard let error = error as? FeedError else { return false }
            return error.codeValue == .entryRejected && error.message.contains("inspection_notice")
        })
    }
}
