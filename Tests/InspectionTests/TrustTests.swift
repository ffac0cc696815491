import Foundation
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Testing
import TestSupport

/// `inspect verify` trusts only the keys HQ exported: a bundle vouches for nothing itself.
@Suite("Inspection trust")
struct TrustTests {
    static func expect(_ body: () throws -> Void, trustError containing: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("verified", sourceLocation: sourceLocation)
        } catch let error as InspectionError {
            #expect(error.codeValue == .trust && error.message.contains(containing), "\(error.codeValue): \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a bundle of a fresh ledger with the same origin and a fresh HQ key is refused, whatever keys it carries")
    func selfMadeBundle() async throws {
        let genuine = try await InspectionFixture.make(records: 120)
        let forger = try await InspectionFixture.make(records: 120, seed: 9)
        #expect(forger.checkpoint.checkpoint.origin == genuine.checkpoint.checkpoint.origin)
        let url = try await forger.bundle(try await forger.plan())
        // It verifies against the keys it carries (what a forger would show) …
        _ = try forger.verify(url)
        // … and not against HQ's.
        Self.expect({ _ = try genuine.verify(url, trust: genuine.trust) }, trustError: "is not the key HQ enrolled for creditsync.samr/province/440000")

        // Carrying the enrolled key's string does not help: the checkpoint is not signed by it.
        let lines = try BundleTests.lines(url)
        let carried = BundleTests.editing(lines[0]) { $0 = $0.replacingOccurrences(of: forger.ledger.signer.verifierKey, with: genuine.ledger.signer.verifierKey) }
        let edited = forger.directory.appending("carried.bundle")
        try BundleTests.write([carried] + lines.dropFirst(), to: edited)
        Self.expect({ _ = try genuine.verify(edited, trust: genuine.trust) }, trustError: "does not verify with the log key HQ enrolled")

        // The genuine log with receipts by a key that is not HQ's in the trust file.
        var otherHQ = genuine.trust
        otherHQ.cosignerKeys = [forger.hqKey]
        let genuineBundle = try await genuine.bundle(try await genuine.plan())
        Self.expect({ _ = try genuine.verify(genuineBundle, trust: otherHQ) }, trustError: "which is not one of HQ's keys in the trust file")

        // A log HQ never enrolled.
        var empty = genuine.trust
        empty.provinces = []
        Self.expect({ _ = try genuine.verify(genuineBundle, trust: empty) }, trustError: "is not a log HQ enrolled")
    }

    @Test("a bundle without an HQ receipt is refused")
    func missingReceipt() async throws {
        let fixture = try await InspectionFixture.make(records: 80)
        let url = try await fixture.bundle(try await fixture.plan(), withReceipt: false)
        Self.expect({ _ = try fixture.verify(url) }, trustError: "holds no HQ receipt")
    }

    @Test("a bundle's receipts may cosign a later checkpoint, consistent with the plan's; an older cosigned one is stale")
    func laterAndStale() async throws {
        let fixture = try await InspectionFixture.make(records: 100)
        // Checkpoints 101 (the fixture's with the acknowledgement, cosigned), 131 (the plan's) and 161 (cosigned).
        let middle = try await fixture.ledger.store.append(try TestRecords.records(1_000..<1_030), signer: fixture.ledger.signer, now: Date()).checkpoint
        let newest = try await fixture.ledger.store.append(try TestRecords.records(1_030..<1_060), signer: fixture.ledger.signer, now: Date()).checkpoint
        try await fixture.ledger.store.storeReceipt(size: newest.size, signature: try fixture.hqCosign(newest.checkpoint, 1_764_600_000), time: 1_764_600_000)
        let plan = try await fixture.plan(at: middle)
        let url = fixture.directory.appending("later.bundle")
        let summary = try await BundleWriter.write(plan: plan, log: fixture.log, hqKeys: [fixture.hqKey], cosigners: Cosignatures.verifier(forKey:), to: url)
        #expect(summary.receipts == 1)
        let bundle = try fixture.verify(url)
        #expect(bundle.latestSize == newest.size && bundle.checkpoint.size == middle.size)

        // The same bundle claiming HQ's receipt of the older checkpoint 101 instead: stale.
        let lines = try BundleTests.lines(url)
        let older = try #require(try await fixture.ledger.store.receipts(size: fixture.checkpoint.size).first)
        let newer = try #require(try await fixture.ledger.store.receipts(size: newest.size).first)
        var header = try JSONParser.parse(lines[0])
        header = try Self.replacing(header, "latest", with: .object([.init("checkpoint", .string(fixture.checkpoint.text)), .init("consistency", .array([]))]))
        var text = String(decoding: CanonicalJSON.encode(header), as: UTF8.self)
        text = text.replacingOccurrences(of: BundleTests.jsonString(newer.signature.line), with: BundleTests.jsonString(older.signature.line))
        let stale = fixture.directory.appending("stale.bundle")
        try BundleTests.write([Array(text.utf8)] + lines.dropFirst(), to: stale)
        Self.expect({ _ = try fixture.verify(stale) }, trustError: "stale: the checkpoint HQ cosigned (size \(fixture.checkpoint.size)) is older than the plan's (size \(middle.size))")
    }

    static func replacing(_ value: JSONValue, _ key: String, with member: JSONValue) throws -> JSONValue {
        guard case .object(let members) = value else { throw InspectionError(.malformed, "not an object", hint: "") }
        return .object(members.map { $0.key == key ? .init(key, member) : $0 })
    }

    @Test("the trust file reads back what HQ wrote, and anything else is refused")
    func trustFile() throws {
        let directory = try TemporaryDirectory("trust")
        let fixtureKey = try Ed25519NoteSigner.generate(name: "creditsync.samr/province/440000").verifierKey
        let trust = InspectionTrust(exportedAt: "2026-12-01T00:00:00Z", cosignerKeys: [try Cosigner.generate(name: "creditsync.samr/hq").verifierKey],
                                    provinces: [.init(province: "440000", origin: "creditsync.samr/province/440000", suite: .sha256Ed25519,
                                                      logKeys: [.init(verifierKey: fixtureKey, fromSize: 0)],
                                                      feedKey: try Ed25519NoteSigner.generate(name: "creditsync.samr/hq/feed/440000").verifierKey)])
        let url = directory.appending("trust.json")
        try Data(CanonicalJSON.encode(trust.json)).write(to: url)
        #expect(try InspectionTrust.read(url) == trust)
        try Data("{\"format\":\"creditsync/trust/v0\"}".utf8).write(to: url)
        #expect(performing: { try InspectionTrust.read(url) }, throws: { ($0 as? InspectionError)?.codeValue == .trust && ($0 as? InspectionError)?.message.contains("not a creditsync/trust/v1 file") == true })
        try Data(repeating: 0x20, count: InspectionTrust.maximumBytes + 1).write(to: url)
        #expect(performing: { try InspectionTrust.read(url) }, throws: { ($0 as? InspectionError)?.message.contains("larger than") == true })
    }
}
