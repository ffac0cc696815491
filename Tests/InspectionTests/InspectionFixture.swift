import Foundation
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Quality
import Synthetic
import TestSupport

/// A province ledger of synthetic records with a signed checkpoint and an HQ receipt for it.
struct InspectionFixture {
    let directory: TemporaryDirectory
    let ledger: ProvinceLedger
    let checkpoint: VerifiedCheckpoint
    let hq: Cosigner

    var log: LedgerLog { LedgerLog(store: ledger.store) }

    static func make(records count: Int, suite: Suite = .sha256Ed25519, seed: UInt64 = 7) async throws -> InspectionFixture {
        let directory = try TemporaryDirectory("inspection")
        let ledger = try ProvinceLedger.initialize(directory: directory.appending("ledger"), province: ProvinceCode("440000"), origin: nil,
                                                   suite: suite, now: Date())
        var generator = RecordGenerator(province: "440000", seed: seed, tables: try DomainTables.bundled())
        let records = try (0..<count).map { _ in try ChangeRecord(parsing: generator.next(), province: "440000") }
        let checkpoint = try await ledger.store.append(records, signer: ledger.signer, now: Date()).checkpoint
        let hq = try Cosigner.generate(name: "creditsync.samr/hq")
        try await ledger.store.storeReceipt(size: checkpoint.size, signature: hq.cosign(checkpoint.checkpoint, time: 1_764_547_200),
                                            time: 1_764_547_200)
        return InspectionFixture(directory: directory, ledger: ledger, checkpoint: checkpoint, hq: hq)
    }

    func plan(_ id: String = "2026-HQ-INSP-001", size: Int = 3, weights: RiskWeights = .standard) async throws -> InspectionPlan {
        try await Planner.plan(log: log, checkpointText: checkpoint.text, inspectionID: id, sampleSize: size, weights: weights)
    }

    func bundle(_ plan: InspectionPlan, name: String = "inspection.bundle", withReceipt: Bool = true) async throws -> URL {
        let url = directory.appending(name)
        _ = try await BundleWriter.write(plan: plan, log: log, hqKey: withReceipt ? hq.verifierKey : nil, to: url)
        return url
    }

    func verify(_ url: URL) throws -> VerifiedBundle {
        try BundleVerifier.verify(url, resolve: Suites.named)
    }
}
