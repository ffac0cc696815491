import Foundation
import HQNode
import HQStorage
import HQTestSupport
import Inspection
import LedgerCore
import NationalCrypto
import Quality
import Synthetic
import TestSupport

/// An inspection at HQ on either backend: the mirror of 440000 holds `records` synthetic records,
/// HQ announced the notice in its feed, the province acknowledged the feed checkpoint in its log
/// (unless `acknowledge` is off), and HQ cosigned the mirror's checkpoint.
struct HQScenario {
    static let cosignedAt: UInt64 = 1_764_547_200

    let fixture: StorageFixture
    let notice: InspectionNotice
    let secret: [UInt8]
    let feed: any FeedStore
    let mirror: any MirrorStore
    let log: MirrorLog

    /// `receiptBeforeAcknowledgement`: HQ's only receipt is of the records' checkpoint, before it.
    static func make(_ backend: StorageBackend, records count: Int = 300, acknowledge: Bool = true, receiptBeforeAcknowledgement: Bool = false,
                     inspectionID: String = "2026-HQ-INSP-031") async throws -> HQScenario {
        var generator = RecordGenerator(province: "440000", seed: 13, tables: try DomainTables.bundled())
        let records = try (0..<count).map { _ in try ChangeRecord(parsing: generator.next(), province: "440000") }
        var fixture = try await StorageFixture(backend, records: records)
        try await fixture.mirrorLog(to: UInt64(count))
        let mirror = try await fixture.mirror()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let notice = try InspectionNotice(inspectionID: inspectionID, province: "440000",
                                          strata: [.init(name: "registration", count: 2), .init(name: "admin_penalty", count: 2)], fixedClaims: [],
                                          scopeFrom: "2023-12-08", rulesVersion: "2026.9", rulesSHA256: try QualityRules.bundled().sha256,
                                          commitment: InspectionNotice.commitment(secret: secret), announcedOn: "2026-12-07")
        let feed = try await fixture.data.feed(province: "440000")
        _ = try await Announcement.append(notice, to: feed, signer: try fixture.data.keys.feedSigner(province: "440000", suite: .sha256Ed25519), now: Date())
        var size = UInt64(count)
        if acknowledge {
            let latest = try await feed.latestCheckpoint()
            fixture.append([try InspectionFixture.acknowledgement(try UnverifiedCheckpoint(parsing: latest.note).verify(logKeys: [
                try Suite.sha256Ed25519.verifier(forKey: try fixture.data.keys.feedVerifierKey(province: "440000", suite: .sha256Ed25519)),
            ], suite: .sha256Ed25519))])
            size += 1
            try await fixture.mirrorLog(to: size)
        }
        do {
            let cosigner = fixture.data.keys.cosigner
            _ = try await mirror.receipt(size: receiptBeforeAcknowledgement ? UInt64(count) : size, cosigner: cosigner.name, keyID: cosigner.keyID, now: Date()) { try cosigner.cosign($0, time: cosignedAt) }
        }
        let log = MirrorLog(mirror: mirror, keys: try fixture.keys, province: "440000", register: fixture.storage.register)
        return HQScenario(fixture: fixture, notice: notice, secret: secret, feed: feed, mirror: mirror, log: log)
    }

    func exportedTrust() async throws -> InspectionTrust {
        let keys = fixture.data.keys
        return try InspectionTrust(enrolments: try await fixture.data.registry.enrolments(), cosignerKeys: SuiteID.allCases.map { keys.cosignerKey(for: $0) },
                                   feedKey: { try keys.feedVerifierKey(province: $0, suite: $1) }, now: Date())
    }

    func plan(secret: [UInt8]? = nil) async throws -> InspectionPlan {
        try await Planner.plan(inspectionID: notice.inspectionID, secret: secret ?? self.secret, feed: feed, log: log, receipts: try await mirror.receipts(size: nil))
    }

    func bundle(_ plan: InspectionPlan, to url: URL) async throws -> VerifiedBundle {
        let trust = try await exportedTrust()
        _ = try await BundleWriter.write(plan: plan, log: log, hqKeys: trust.cosignerKeys, cosigners: Cosignatures.verifier(forKey:), to: url)
        return try BundleVerifier.verify(url, trust: trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
    }
}
