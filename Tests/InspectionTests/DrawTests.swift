import Foundation
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Testing
import TestSupport

/// Nobody can steer the sample (Protocol/inspection.md §1.1): the draw point is the province's
/// acknowledgement of the notice in its own log, so HQ has no checkpoint to choose, and any input
/// changed after it was fixed is refused.
@Suite("Inspection draw order")
struct DrawTests {
    static func refused(_ fixture: InspectionFixture, _ plan: InspectionPlan, code: InspectionErrorCode, _ message: String,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let url = fixture.directory.appending("draw-\(UUID().uuidString).bundle")
        _ = try await BundleWriter.write(plan: plan, log: fixture.log, hqKeys: [fixture.hqKey], cosigners: Cosignatures.verifier(forKey:), to: url)
        do {
            _ = try fixture.verify(url)
            Issue.record("verified", sourceLocation: sourceLocation)
        } catch let error as InspectionError {
            #expect(error.codeValue == code && error.message.contains(message), "\(error.codeValue): \(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test("any checkpoint at or after the acknowledgement draws the same sample; one before it draws none")
    func drawPointFixedByTheLog() async throws {
        let fixture = try await InspectionFixture.make(records: 300)
        let atAcknowledgement = try await fixture.plan()
        let later = try await fixture.ledger.store.append(try TestRecords.records(5_000..<5_040), signer: fixture.ledger.signer, now: Date()).checkpoint
        let atLater = try await fixture.plan(at: later)
        #expect(atLater.seed == atAcknowledgement.seed && atLater.sample == atAcknowledgement.sample && atLater.point == atAcknowledgement.point)
        #expect(atAcknowledgement.point.size == fixture.checkpoint.size)
        // HQ's records of the log before the acknowledgement hold no draw point: no plan.
        await #expect(performing: { try await fixture.plan(at: fixture.recordsCheckpoint) }, throws: { error in
            (error as? InspectionError)?.codeValue == .order && (error as? InspectionError)?.message.contains("holds no acknowledgement of the notice") == true
        })
    }

    @Test("an acknowledgement of a feed checkpoint HQ never signed, written in advance, does not block the draw")
    func madeUpAcknowledgement() async throws {
        let fixture = try await InspectionFixture.make(records: 80, madeUpAcknowledgement: true)
        let plan = try await fixture.plan()
        #expect(plan.point.size == fixture.checkpoint.size && plan.point.size == fixture.recordsCheckpoint.size + 2)
        _ = try fixture.verify(try await fixture.bundle(plan))
    }

    @Test("an acknowledgement without the province's nonce is not a draw point")
    func acknowledgementWithoutNonce() async throws {
        let fixture = try await InspectionFixture.make(records: 60, nonce: false)
        await #expect(performing: { try await fixture.plan() }, throws: { ($0 as? InspectionError)?.message.contains("holds no acknowledgement of the notice") == true })
    }

    @Test("a revealed secret that does not match the commitment is refused")
    func wrongSecret() async throws {
        let fixture = try await InspectionFixture.make(records: 60)
        await #expect(performing: { try await fixture.plan(secret: [UInt8](repeating: 9, count: 32)) },
                      throws: { ($0 as? InspectionError)?.message.contains("does not match the notice's commitment") == true })
    }

    @Test("the notice must be in HQ's feed, signed by its feed key, in the feed checkpoint the province acknowledged")
    func noticeEvidence() async throws {
        let fixture = try await InspectionFixture.make(records: 80)
        // The notice in a feed checkpoint HQ's feed key did not sign.
        let forger = try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/feed/440000")
        var evidence = fixture.evidence
        evidence.feedCheckpoint = try VerifiedCheckpoint.sign(fixture.feedCheckpoint.checkpoint, with: forger).text
        try await Self.refused(fixture, try await fixture.plan(evidence: evidence), code: .trust, "not signed by HQ's feed key of 440000")
        // The notice claimed at another index of the feed: the province acknowledged no feed
        // checkpoint past it, and the proof does not hold either.
        evidence = fixture.evidence
        evidence.noticeIndex = 1
        await #expect(performing: { try await fixture.plan(evidence: evidence) }, throws: {
            ($0 as? InspectionError)?.codeValue == .order && ($0 as? InspectionError)?.message.contains("the delivery that brought feed entry 1") == true
        })
        // A feed checkpoint HQ signed that is not the one the province acknowledged (the notice and another entry).
        let suite = Suite.sha256Ed25519
        let tree = InMemoryMerkleTree(hasher: suite.treeHasher, leafHashes: [suite.treeHasher.leafHash(fixture.notice.canonicalBytes), suite.treeHasher.leafHash([0x7B, 0x7D])])
        let larger = try VerifiedCheckpoint.sign(Checkpoint(origin: fixture.feedCheckpoint.checkpoint.origin, size: 2,
                                                            root: try MerkleProofs(hasher: suite.treeHasher).root(size: 2, reader: tree), suite: suite.id),
                                                 with: fixture.feedSigner)
        evidence = InspectionPlan.Evidence(noticeIndex: 0, feedCheckpoint: larger.text,
                                           noticeProof: try MerkleProofs(hasher: suite.treeHasher).inclusionProof(index: 0, size: 2, reader: tree))
        await #expect(performing: { try await fixture.plan(evidence: evidence) }, throws: {
            ($0 as? InspectionError)?.codeValue == .order && ($0 as? InspectionError)?.message.contains("holds no acknowledgement of the notice") == true
        })
    }

    @Test("a notice of another province is refused")
    func otherProvince() async throws {
        let fixture = try await InspectionFixture.make(records: 40)
        var trust = fixture.trust
        trust.provinces[0].province = "310000"
        let url = try await fixture.bundle(try await fixture.plan())
        #expect(performing: { try fixture.verify(url, trust: trust) },
                throws: { ($0 as? InspectionError)?.message.contains("the notice is for province 440000") == true })
    }

    @Test("a bundle that leaves sampled records out is refused, even with its count and the names edited to match")
    func recordsLeftOut() async throws {
        let fixture = try await InspectionFixture.make(records: 300)
        let plan = try await fixture.plan()
        let url = try await fixture.bundle(plan)
        var lines = try BundleTests.lines(url)
        let dropped = plan.sample.count
        lines.remove(at: dropped)  // the last record line
        var header = String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "\"records\":\(dropped)", with: "\"records\":\(dropped - 1)")
        let last = try #require(plan.sample.last)
        header = header.replacingOccurrences(of: "\"name\":\"\(last.name)\"", with: "\"name\":\"\"")
            .replacingOccurrences(of: "\"uscc\":\"\(last.uscc)\"", with: "\"uscc\":\"\"")
        lines[0] = Array(header.utf8)
        let edited = fixture.directory.appending("short.bundle")
        try BundleTests.write(lines, to: edited)
        BundleTests.expectFailure(fixture, edited, containing: "every sampled record must be in it", "a record left out at the end")
    }
}
