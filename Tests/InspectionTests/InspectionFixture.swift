import Foundation
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Quality
import Synthetic
import TestSupport

/// A province ledger of synthetic records with everything an inspection needs, made by hand
/// with fixed times: HQ's notice in a one-entry feed signed by HQ's feed key, the province's
/// cosignature of it at `acknowledgedAt`, and HQ's receipt of the ledger's checkpoint at
/// `cosignedAt` (later).
struct InspectionFixture {
    static let acknowledgedAt: UInt64 = 1_764_547_000
    static let cosignedAt: UInt64 = 1_764_547_200

    let directory: TemporaryDirectory
    let ledger: ProvinceLedger
    let checkpoint: VerifiedCheckpoint
    /// HQ's cosigner key: Ed25519 for a default-suite ledger, SM2 for a national one.
    let hqKey: String
    let hqCosign: @Sendable (Checkpoint, UInt64) throws -> NoteSignature
    let feedSigner: any NoteSigner
    let notice: InspectionNotice
    let secret: [UInt8]
    let feedCheckpoint: VerifiedCheckpoint

    var log: LedgerLog { LedgerLog(store: ledger.store) }

    static let strata: [InspectionNotice.Stratum] = [.init(name: "registration", count: 2), .init(name: "admin_penalty", count: 2),
                                                     .init(name: "admin_license", count: 2)]

    static func make(records count: Int, suite: Suite = .sha256Ed25519, seed: UInt64 = 7, strata: [InspectionNotice.Stratum] = strata,
                     inspectionID: String = "2026-HQ-INSP-001") async throws -> InspectionFixture {
        let directory = try TemporaryDirectory("inspection")
        let ledger = try ProvinceLedger.initialize(directory: directory.appending("ledger"), province: ProvinceCode("440000"), origin: nil,
                                                   suite: suite, now: Date())
        var generator = RecordGenerator(province: "440000", seed: seed, tables: try DomainTables.bundled())
        let records = try (0..<count).map { _ in try ChangeRecord(parsing: generator.next(), province: "440000") }
        let checkpoint = try await ledger.store.append(records, signer: ledger.signer, now: Date()).checkpoint
        let hqKey: String
        let hqCosign: @Sendable (Checkpoint, UInt64) throws -> NoteSignature
        let feedSigner: any NoteSigner
        if suite.id == .sm3SM2 {
            let hq = try SM2Cosigner.generate(name: "creditsync.samr/hq")
            (hqKey, hqCosign) = (hq.verifierKey, { try hq.cosign($0, time: $1) })
            feedSigner = try SM2NoteSigner.generate(name: "creditsync.samr/hq/feed/440000")
        } else {
            let hq = try Cosigner.generate(name: "creditsync.samr/hq")
            (hqKey, hqCosign) = (hq.verifierKey, { try hq.cosign($0, time: $1) })
            feedSigner = try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/feed/440000")
        }
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let notice = try InspectionNotice(inspectionID: inspectionID, province: "440000", strata: strata, fixedClaims: [], scopeFrom: "2023-12-08",
                                          rulesVersion: "2026.9", rulesSHA256: String(repeating: "a", count: 64),
                                          commitment: InspectionNotice.commitment(secret: secret), announcedOn: "2026-12-07")
        let feedCheckpoint = try VerifiedCheckpoint.sign(Checkpoint(origin: "creditsync.samr/hq/feed/440000", size: 1,
                                                                    root: suite.treeHasher.leafHash(notice.canonicalBytes), suite: suite.id), with: feedSigner)
        try await ledger.store.storeReceipt(size: checkpoint.size, signature: try hqCosign(checkpoint.checkpoint, cosignedAt), time: cosignedAt)
        return InspectionFixture(directory: directory, ledger: ledger, checkpoint: checkpoint, hqKey: hqKey, hqCosign: hqCosign, feedSigner: feedSigner,
                                 notice: notice, secret: secret, feedCheckpoint: feedCheckpoint)
    }

    /// The evidence of the order: the province saw the notice at `acknowledgedAt`, HQ cosigned
    /// `checkpoint` (default: the fixture's) at `cosignedAt`.
    func evidence(acknowledgedAt: UInt64 = acknowledgedAt, cosignedAt: UInt64 = cosignedAt, checkpoint: VerifiedCheckpoint? = nil) throws -> InspectionPlan.Evidence {
        InspectionPlan.Evidence(noticeIndex: 0, feedCheckpoint: feedCheckpoint.text, noticeProof: [],
                                acknowledgement: try LogKeyCosigning.cosign(feedCheckpoint.checkpoint, time: acknowledgedAt, with: ledger.signer).line,
                                receipt: try hqCosign((checkpoint ?? self.checkpoint).checkpoint, cosignedAt).line)
    }

    func plan(at checkpoint: VerifiedCheckpoint? = nil, evidence: InspectionPlan.Evidence? = nil, secret: [UInt8]? = nil) async throws -> InspectionPlan {
        let at = checkpoint ?? self.checkpoint
        return try await Planner.draw(log: log, noticeBytes: notice.canonicalBytes, evidence: evidence ?? self.evidence(checkpoint: at), checkpoint: at,
                                      secret: secret ?? self.secret)
    }

    func bundle(_ plan: InspectionPlan, name: String = "inspection.bundle", withReceipt: Bool = true) async throws -> URL {
        let url = directory.appending(name)
        _ = try await BundleWriter.write(plan: plan, log: log, hqKeys: withReceipt ? [hqKey] : [], cosigners: Cosignatures.verifier(forKey:), to: url)
        return url
    }

    /// What HQ's trust file would say of this ledger: its log key, its feed key and HQ's receipt key.
    var trust: InspectionTrust {
        InspectionTrust(exportedAt: "2026-12-01T00:00:00Z", cosignerKeys: [hqKey], provinces: [
            .init(province: "440000", origin: checkpoint.checkpoint.origin, suite: ledger.store.suite.id,
                  logKeys: [.init(verifierKey: ledger.signer.verifierKey, fromSize: 0)], feedKey: feedSigner.verifierKey),
        ])
    }

    func verify(_ url: URL, trust: InspectionTrust? = nil) throws -> VerifiedBundle {
        try BundleVerifier.verify(url, trust: trust ?? self.trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:),
                                  logCosigners: LogKeyCosigning.verifier(forLogKey:))
    }
}
