import Foundation
import Inspection
import LedgerCore
import NationalCrypto
import ProvinceNode
import Testing
import TestSupport

/// Nobody can steer the sample (Protocol/inspection.md §1.1): changing any input after it was
/// fixed, or drawing at a checkpoint that is not after the province saw the notice, is refused.
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

    @Test("a checkpoint cosigned before (or as) the province acknowledged the notice is refused")
    func checkpointBeforeNotice() async throws {
        let fixture = try await InspectionFixture.make(records: 120)
        for cosignedAt in [InspectionFixture.acknowledgedAt - 60, InspectionFixture.acknowledgedAt] {
            let plan = try await fixture.plan(evidence: try fixture.evidence(cosignedAt: cosignedAt))
            try await Self.refused(fixture, plan, code: .order, "not after the province acknowledged the notice")
        }
    }

    @Test("a revealed secret that does not match the commitment is refused")
    func wrongSecret() async throws {
        let fixture = try await InspectionFixture.make(records: 60)
        await #expect(performing: { try await fixture.plan(secret: [UInt8](repeating: 9, count: 32)) },
                      throws: { ($0 as? InspectionError)?.message.contains("does not match the notice's commitment") == true })
    }

    @Test("evidence by other keys is refused: another feed key, another log key's acknowledgement, a receipt not by HQ")
    func otherKeys() async throws {
        let fixture = try await InspectionFixture.make(records: 80)
        let genuine = try fixture.evidence()
        // The notice in a feed checkpoint HQ's feed key did not sign.
        let forger = try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/feed/440000")
        var evidence = genuine
        evidence.feedCheckpoint = try VerifiedCheckpoint.sign(fixture.feedCheckpoint.checkpoint, with: forger).text
        try await Self.refused(fixture, try await fixture.plan(evidence: evidence), code: .trust, "not signed by HQ's feed key of 440000")
        // An acknowledgement by a key the province never enrolled.
        evidence = genuine
        let stranger = try Ed25519NoteSigner.generate(name: fixture.checkpoint.checkpoint.origin)
        evidence.acknowledgement = try LogKeyCosigning.cosign(fixture.feedCheckpoint.checkpoint, time: InspectionFixture.acknowledgedAt, with: stranger).line
        try await Self.refused(fixture, try await fixture.plan(evidence: evidence), code: .order, "the acknowledgement is not a cosignature")
        // A receipt by a key that is not HQ's.
        evidence = genuine
        evidence.receipt = try Cosigner.generate(name: "creditsync.samr/hq").cosign(fixture.checkpoint.checkpoint, time: InspectionFixture.cosignedAt).line
        try await Self.refused(fixture, try await fixture.plan(evidence: evidence), code: .order, "the receipt is not a cosignature of the checkpoint drawn at")
        // The notice claimed at another index of the feed.
        evidence = genuine
        evidence.noticeIndex = 1
        try await Self.refused(fixture, try await fixture.plan(evidence: evidence), code: .order, "is not entry 1 of HQ's feed checkpoint")
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
}
