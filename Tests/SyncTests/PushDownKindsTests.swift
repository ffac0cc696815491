import Foundation
import HQNode
import LedgerCore
import LedgerStore
import LineInput
import Mirroring
import NationalCrypto
import NIOHTTP1
import SyncProtocol
import ProvinceNode
import Quality
import Synthetic
import Testing
import TestSupport

/// What goes down are the notices' kinds (issue 26, item 4): central departments' 行政许可,
/// 行政处罚, 严重失信主体名单 and 抽查检查 (2022-6 line 48, 2023-25 line 27), each from a department of
/// ops/rules/central-departments.json; and, apart from them, SAMR's own cross-province flows.
@Suite("Push-down kinds")
struct PushDownKindsTests {
    /// `record` with `edit` applied to its fields, as one JSON line.
    static func edited(_ record: [UInt8], _ edit: (inout [String: Any]) -> Void) throws -> String {
        var object = try #require(JSONSerialization.jsonObject(with: Data(record)) as? [String: Any])
        var fields = try #require(object["fields"] as? [String: Any])
        edit(&fields)
        object["fields"] = fields
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("a central record names a known department that sends its kind, and a list's name; anything else is refused with the reason",
          arguments: StorageBackend.allCases)
    func departmentsAndLists(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        _ = try await harness.province("440000")
        var generator = CentralRiskGenerator(seed: 41)
        func central(_ edit: (inout [String: Any]) -> Void) throws -> String {
            try Self.edited(generator.record(uscc: generator.uscc(division: "440300")), { fields in
                (fields["kind"], fields["source_dept"], fields["source_dept_code"], fields["list_name"]) = ("严重失信主体名单", "最高人民法院", "SPC", "失信被执行人")
                edit(&fields)
            })
        }
        let lines = [
            try central { $0["list_name"] = nil },                                            // a list without its name
            try central { $0["list_name"] = "不存在的名单" },                                   // not a list of the table
            try central { $0["source_dept_code"] = "XYZ" },                                   // not a department
            try central { $0["source_dept"] = "国家税务总局" },                                 // name of another department
            try central { ($0["kind"], $0["list_name"]) = ("行政许可", nil) },                 // the court grants no licences
            try central { $0["kind"] = "其他省份行政处罚" },                                     // the old, mixed kind
            try central { _ in },                                                              // valid
            try central { ($0["kind"], $0["source_dept"], $0["source_dept_code"], $0["list_name"]) = ("行政处罚", "生态环境部", "MEE", nil) }, // valid
        ]
        let url = harness.directory.appending("kinds.ndjson")
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        let (summary, rejections) = try await FeedTests.importRisk(harness, url)
        #expect(summary.appended == 2)
        #expect(rejections.map(\.reason) == [
            "fields.list_name is missing or empty (required when fields.kind is 严重失信主体名单)",
            "fields.list_name \"不存在的名单\" is not in the central_risk_list code table",
            "fields.source_dept_code \"XYZ\" is not a department of central-departments.json (GACC, MEE, MEM, MOHRSS, MOHURD, MOT, NDRC, NMPA, SPC, STA)",
            "fields.source_dept \"国家税务总局\" is not the name of SPC (最高人民法院)",
            "最高人民法院 (SPC) sends no 行政许可 information",
            "fields.kind \"其他省份行政处罚\" is not in the central_risk_kind code table",
        ])
    }

    @Test("another province's decision about a moved entity goes down as cross_province with its origin, and the province applies it",
          arguments: StorageBackend.allCases)
    func crossProvince(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let shanghai = try await harness.province("310000", records: 3)
        var generator = CentralRiskGenerator(seed: 42)
        let entity = generator.uscc(division: "310115")
        let valid = String(decoding: generator.crossProvince(uscc: entity, origin: "440000", authority: "广州市市场监督管理局"), as: UTF8.self)
        let lines = [
            valid,
            try Self.edited(generator.crossProvince(uscc: entity, origin: "440000", authority: "广州市市场监督管理局")) { $0["origin_province"] = nil },
            try Self.edited(generator.crossProvince(uscc: entity, origin: "440000", authority: "广州市市场监督管理局")) { $0["origin_province"] = "999999" },
            try Self.edited(generator.crossProvince(uscc: entity, origin: "440000", authority: "广州市市场监督管理局")) { $0["kind"] = "行政处罚" },
        ]
        let url = harness.directory.appending("cross.ndjson")
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        let (summary, rejections) = try await FeedTests.importRisk(harness, url)
        #expect(summary.appended == 1 && summary.byProvince == ["310000": 1])
        #expect(rejections.map(\.reason) == [
            "fields.origin_province is missing or empty",
            "fields.origin_province \"999999\" is not in the provinces code table",
            "fields.kind \"行政处罚\" is not in the cross_province_kind code table",
        ])
        try await harness.withHQ { hq in
            _ = try await hq.sync(shanghai)
            let received = try await FeedTests.receive(hq, shanghai)
            #expect(received.applied == 1)
            let items = try await shanghai.store.centralRisk(uscc: entity)
            let value = try JSONParser.parse(try #require(items.first).entry)
            #expect(items.count == 1 && value["category"]?.stringValue == "cross_province" && value.value(at: "fields.origin_province")?.stringValue == "440000")
        }
    }
}

/// Each delivery carries HQ's view of the feed, cosigned with the time of the answer (issue 26,
/// item 5): the province keeps it, and a view older than its limit is refused and shows.
@Suite("Feed views")
struct FeedViewTests {
    @Test("an HQ whose view is days old (withholding, or a replay) is refused and shows stale; a fresh view is kept and shown",
          arguments: StorageBackend.allCases)
    func views(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 2)
        let (url, usccs) = try FeedTests.riskFile(harness.directory, divisions: [("440300", 3)])
        _ = try await FeedTests.importRisk(harness, url)
        let origin = FeedOrigin.of(province: "440000")

        // HQ answers with a view three days old: nothing is applied, and the province sees it.
        let threeDaysAgo = Date().addingTimeInterval(-3 * 86_400)
        let refusal: (any Error)? = try await harness.withHQ(now: { threeDaysAgo }) { hq in
            _ = try await hq.sync(ledger)
            do {
                _ = try await FeedTests.receive(hq, ledger)
                return nil
            } catch {
                return error
            }
        }
        #expect((refusal as? FeedError)?.codeValue == .staleView, "\(String(describing: refusal))")
        #expect(try await FeedTests.holdings(ledger, usccs: usccs["440300"]!).cursor == 0)
        let stale = try await CLI.run(["province", "status", "--ledger", ledger.directory.path, "--lang", "en"])
        #expect(stale.stdout.contains("HQ's latest signed view of the feed: size 3") && stale.stdout.contains("STALE: HQ may be withholding the feed"), "\(stale.stdout)")

        // With HQ's clock right the delivery goes through and the fresh view replaces the old one.
        let before = Date()
        let applied = try await harness.withHQ { hq in try await FeedTests.receive(hq, ledger).applied }
        #expect(applied == 3)
        let view = try #require(try await ledger.store.feedView(origin: origin))
        #expect(view.size == 3 && view.cosignedAt.timeIntervalSince(before) > -2 && view.checkpoint.contains("\n3\n"))
        let fresh = try await CLI.run(["province", "status", "--ledger", ledger.directory.path, "--lang", "en"])
        #expect(fresh.stdout.contains("HQ's latest signed view of the feed: size 3") && !fresh.stdout.contains("STALE"), "\(fresh.stdout)")
    }

    @Test("a delivery without HQ's view, with a view another key cosigned, or with one that disagrees with the delivery is refused")
    func invalidViews() async throws {
        let harness = try await SyncHarness()
        let ledger = try await harness.province("440000", records: 2)
        let (url, _) = try FeedTests.riskFile(harness.directory, divisions: [("440300", 2)])
        _ = try await FeedTests.importRisk(harness, url)
        let origin = FeedOrigin.of(province: "440000")
        let feedSigner = try harness.hqData.keys.feedSigner(province: "440000", suite: .sha256Ed25519)
        let verifier = FeedVerifier(province: "440000", suite: ledger.suite, feedKey: try ledger.suite.signatures.verifier(name: origin, publicKey: feedSigner.publicKey))
        let hqVerifier = try Cosignatures.verifier(forKey: harness.hqKey)
        let body = try await harness.withRouter { hq in try await hq.request(.GET, FeedAPI.feedPath("440000") + "?from=0", as: "440000").body }
        let (header, entries) = try FeedDeliveryBody.parse(Array(body.utf8))
        let delivered = try verifier.verify(header: header, entries: entries, cursor: nil).checkpoint
        func check(_ header: FeedDeliveryHeader) async -> FeedErrorCode? {
            do {
                try await SyncClient.checkView(header, delivered: delivered, verifier: verifier, hqVerifier: hqVerifier, store: ledger.store, now: Date(), maxAge: 3600)
                return nil
            } catch {
                return (error as? FeedError)?.codeValue
            }
        }
        #expect(await check(header) == nil)
        var missing = header
        missing.view = nil
        #expect(await check(missing) == .viewInvalid)
        var stranger = header
        let other = try Cosigner.generate(name: "creditsync.samr/hq")
        stranger.view?.cosignature = try other.cosign(try UnverifiedCheckpoint(parsing: header.view!.checkpoint).checkpoint, time: UInt64(Date().timeIntervalSince1970)).line
        #expect(await check(stranger) == .viewInvalid)
        var disagreeing = header
        disagreeing.latest += 1
        #expect(await check(disagreeing) == .viewInvalid)
        // Only the valid view was kept.
        #expect(try await ledger.store.feedView(origin: origin)?.cosignature == header.view?.cosignature)
    }
}
