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
    /// HQ's cosigner key: Ed25519 for a default-suite ledger, SM2 for a national one.
    let hqKey: String

    var log: LedgerLog { LedgerLog(store: ledger.store) }

    static func make(records count: Int, suite: Suite = .sha256Ed25519, seed: UInt64 = 7) async throws -> InspectionFixture {
        let directory = try TemporaryDirectory("inspection")
        let ledger = try ProvinceLedger.initialize(directory: directory.appending("ledger"), province: ProvinceCode("440000"), origin: nil,
                                                   suite: suite, now: Date())
        var generator = RecordGenerator(province: "440000", seed: seed, tables: try DomainTables.bundled())
        let records = try (0..<count).map { _ in try ChangeRecord(parsing: generator.next(), province: "440000") }
        let checkpoint = try await ledger.store.append(records, signer: ledger.signer, now: Date()).checkpoint
        let receipt: NoteSignature
        let hqKey: String
        if suite.id == .sm3SM2 {
            let hq = try SM2Cosigner.generate(name: "creditsync.samr/hq")
            (receipt, hqKey) = (try hq.cosign(checkpoint.checkpoint, time: 1_764_547_200), hq.verifierKey)
        } else {
            let hq = try Cosigner.generate(name: "creditsync.samr/hq")
            (receipt, hqKey) = (try hq.cosign(checkpoint.checkpoint, time: 1_764_547_200), hq.verifierKey)
        }
        try await ledger.store.storeReceipt(size: checkpoint.size, signature: receipt, time: 1_764_547_200)
        return InspectionFixture(directory: directory, ledger: ledger, checkpoint: checkpoint, hqKey: hqKey)
    }

    func plan(_ id: String = "2026-HQ-INSP-001", size: Int = 3, weights: RiskWeights = .standard) async throws -> InspectionPlan {
        try await Planner.plan(log: log, checkpointText: checkpoint.text, inspectionID: id, sampleSize: size, weights: weights)
    }

    func bundle(_ plan: InspectionPlan, name: String = "inspection.bundle", withReceipt: Bool = true) async throws -> URL {
        let url = directory.appending(name)
        _ = try await BundleWriter.write(plan: plan, log: log, hqKeys: withReceipt ? [hqKey] : [], cosigners: Cosignatures.verifier(forKey:), to: url)
        return url
    }

    /// What HQ's trust file would say of this ledger: its log key and HQ's receipt key.
    var trust: InspectionTrust {
        InspectionTrust(exportedAt: "2026-12-01T00:00:00Z", cosignerKeys: [hqKey], provinces: [
            .init(province: "440000", origin: checkpoint.checkpoint.origin, suite: ledger.store.suite.id,
                  logKeys: [.init(verifierKey: ledger.signer.verifierKey, fromSize: 0)]),
        ])
    }

    func verify(_ url: URL, trust: InspectionTrust? = nil) throws -> VerifiedBundle {
        try BundleVerifier.verify(url, trust: trust ?? self.trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
    }
}
