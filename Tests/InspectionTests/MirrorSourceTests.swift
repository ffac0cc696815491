import Foundation
import HQNode
import HQStorage
import HQTestSupport
import Inspection
import LedgerCore
import NationalCrypto
import Quality
import Synthetic
import Testing
import TestSupport
@testable import creditsync

/// HQ's mirror as the inspection's log, on both storage backends: the same plan as the
/// province's own log gives, and a bundle, with HQ's receipt, that verifies.
@Suite("Inspection from HQ's mirror")
struct MirrorSourceTests {
    @Test("plan and bundle from HQ's mirror", arguments: StorageBackend.allCases)
    func fromMirror(backend: StorageBackend) async throws {
        var generator = RecordGenerator(province: "440000", seed: 11, tables: try DomainTables.bundled())
        let records = try (0..<400).map { _ in try ChangeRecord(parsing: generator.next(), province: "440000") }
        let fixture = try await StorageFixture(backend, records: records)
        try await fixture.mirrorLog(to: 400)
        let mirror = try await fixture.mirror()
        let cosigner = fixture.data.keys.cosigner
        _ = try await mirror.receipt(size: 400, cosigner: cosigner.name, keyID: cosigner.keyID, now: Date()) { checkpoint in
            try cosigner.cosign(checkpoint, time: 1_764_547_200)
        }
        let log = MirrorLog(mirror: mirror, keys: try fixture.keys)
        let checkpoint = try fixture.log.checkpoint(400)

        // What the province's own log gives: drawn from its entries directly.
        var scan = LogScan()
        for entry in fixture.log.entries { try scan.add(entry) }
        let expected = try InspectionPlan.draw(checkpoint: checkpoint, inspectionID: "2026-HQ-INSP-009", sampleSize: 4, weights: .standard,
                                               members: scan.members())
        let plan = try await Planner.plan(log: log, checkpointText: checkpoint.text, inspectionID: "2026-HQ-INSP-009", sampleSize: 4, weights: .standard)
        #expect(plan.canonicalBytes == expected.canonicalBytes)
        #expect(plan.sample.count == 4)

        let url = fixture.directory.appending("mirror.bundle")
        let summary = try await BundleWriter.write(plan: plan, log: log, hqKeys: [cosigner.verifierKey], cosigners: Cosignatures.verifier(forKey:), to: url)
        #expect(summary.receipts == 1 && summary.entries == 400)
        // Verified against HQ's exported trust, as an inspector does.
        let trust = InspectionTrust(enrolments: try await fixture.data.registry.enrolments(),
                                    cosignerKeys: SuiteID.allCases.map { fixture.data.keys.cosignerKey(for: $0) }, now: Date())
        let bundle = try BundleVerifier.verify(url, trust: trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
        #expect(bundle.receipts == [try VerifierKey(parsing: cosigner.verifierKey).described])
        #expect(bundle.records.count == summary.records)
        try await fixture.storage.close()
    }
}
