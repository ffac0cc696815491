import Foundation
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Quality
import Synthetic
import SyncProtocol
import TestSupport

/// A province ledger of synthetic records with everything an inspection needs, made by hand:
/// HQ's notice in a one-entry feed signed by HQ's feed key, then (unless `acknowledge` is off) the
/// province's acknowledgement of that feed checkpoint with its nonce as the ledger's last entry,
/// and HQ's receipt of the ledger's checkpoint.
struct InspectionFixture {
    static let cosignedAt: UInt64 = 1_764_547_200

    let directory: TemporaryDirectory
    let ledger: ProvinceLedger
    /// The ledger's checkpoint before the acknowledgement (the records only).
    let recordsCheckpoint: VerifiedCheckpoint
    /// The ledger's checkpoint with the acknowledgement (the draw point is its size).
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
                     inspectionID: String = "2026-HQ-INSP-001", acknowledge: Bool = true, nonce: Bool = true,
                     madeUpAcknowledgement: Bool = false) async throws -> InspectionFixture {
        let directory = try TemporaryDirectory("inspection")
        let ledger = try ProvinceLedger.initialize(directory: directory.appending("ledger"), province: ProvinceCode("440000"), origin: nil,
                                                   suite: suite, now: Date())
        var generator = RecordGenerator(province: "440000", seed: seed, tables: try DomainTables.bundled())
        let records = try (0..<count).map { _ in try ChangeRecord(parsing: generator.next(), province: "440000") }
        let recordsCheckpoint = try await ledger.store.append(records, signer: ledger.signer, now: Date()).checkpoint
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
        var checkpoint = recordsCheckpoint
        if madeUpAcknowledgement {
            // A province that writes an acknowledgement of a feed checkpoint HQ never signed, in
            // advance, to block the next inspection: it must not count.
            let madeUp = try VerifiedCheckpoint.sign(Checkpoint(origin: "creditsync.samr/hq/feed/440000", size: 9_000_000_000_000_000,
                                                                root: Hash([UInt8](repeating: 7, count: 32)), suite: suite.id), with: feedSigner)
            checkpoint = try await ledger.store.append([try acknowledgement(madeUp)], signer: ledger.signer, now: Date()).checkpoint
        }
        if acknowledge {
            checkpoint = try await ledger.store.append([try acknowledgement(feedCheckpoint, nonce: nonce)], signer: ledger.signer, now: Date()).checkpoint
        }
        try await ledger.store.storeReceipt(size: checkpoint.size, signature: try hqCosign(checkpoint.checkpoint, cosignedAt), time: cosignedAt)
        return InspectionFixture(directory: directory, ledger: ledger, recordsCheckpoint: recordsCheckpoint, checkpoint: checkpoint, hqKey: hqKey,
                                 hqCosign: hqCosign, feedSigner: feedSigner, notice: notice, secret: secret, feedCheckpoint: feedCheckpoint)
    }

    /// The province's acknowledgement of `feed` (of 440000), as its feed client writes it.
    static func acknowledgement(_ feed: VerifiedCheckpoint, nonce: Bool = true) throws -> ChangeRecord {
        let acknowledgement = FeedAcknowledgement(feed: feed.checkpoint.origin, from: 0, size: feed.size, root: feed.root, appliedAt: 1_764_547_100,
                                                  inspectionNonce: nonce ? (0..<32).map { _ in UInt8.random(in: 0...255) }.hex : nil)
        return try ChangeRecord(parsing: acknowledgement.record(province: "440000"), province: "440000")
    }

    /// Where the notice is: entry 0 of HQ's one-entry feed.
    var evidence: InspectionPlan.Evidence {
        InspectionPlan.Evidence(noticeIndex: 0, feedCheckpoint: feedCheckpoint.text, noticeProof: [])
    }

    func plan(at checkpoint: VerifiedCheckpoint? = nil, evidence: InspectionPlan.Evidence? = nil, secret: [UInt8]? = nil) async throws -> InspectionPlan {
        try await Planner.draw(log: log, noticeBytes: notice.canonicalBytes, evidence: evidence ?? self.evidence, checkpoint: checkpoint ?? self.checkpoint,
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
        try BundleVerifier.verify(url, trust: trust ?? self.trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
    }
}
