import Foundation
import HQNode
import HQStorage
import LedgerCore
import ProvinceNode
import Quality
import Synthetic
import Testing
import TestSupport

/// Central risk items that cannot be routed yet are held with their reason, never dropped, and
/// routed again by every enrolment and register import (issue 26, item 2; DESIGN §7).
@Suite("Held central risk items")
struct HeldRiskTests {
    @Test("unroutable items are held with their reason, listed, counted, and released by a later enrolment and register import",
          arguments: StorageBackend.allCases)
    func heldAndReleased(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        _ = try await harness.province("440000")
        var generator = CentralRiskGenerator(seed: 31)
        let central = generator.uscc(division: "100000")
        let (url, usccs) = try FeedTests.riskFile(harness.directory, seed: 31, divisions: [("440300", 3), ("320500", 2)], extra: [
            String(decoding: generator.record(uscc: central), as: UTF8.self),
        ])
        let before = Date()
        let (summary, rejections) = try await FeedTests.importRisk(harness, url)
        #expect(summary.appended == 3 && summary.held == 3 && summary.rejected == 0 && rejections.isEmpty)
        let store = harness.hqData.storage.heldRisk
        var held = try await store.held(after: nil, limit: 100)
        #expect(held.count == 3 && held.map(\.changeID) == held.map(\.changeID).sorted())
        #expect(Dictionary(grouping: held, by: \.code).mapValues(\.count) == ["not-enrolled": 2, "central-authority": 1])
        #expect(Set(held.filter { $0.code == "not-enrolled" }.map(\.uscc)) == Set(usccs["320500"]!))
        // The record is kept as imported: the central department's own line, not a routed copy.
        let kept = try JSONParser.parse(try #require(held.first { $0.uscc == central }).record)
        #expect(kept["category"]?.stringValue == "central_risk" && kept["origin"] == nil && kept["province"] == nil)
        let heldAt = Dictionary(uniqueKeysWithValues: held.map { ($0.changeID, $0.heldAt) })
        #expect(heldAt.values.allSatisfy { $0.timeIntervalSince(before) > -1 })

        // A re-import holds nothing twice and keeps the first held time.
        let again = try await FeedTests.importRisk(harness, url).0
        #expect(again.held == 3 && again.appended == 0)
        held = try await store.held(after: nil, limit: 100)
        #expect(held.count == 3 && held.allSatisfy { heldAt[$0.changeID] == $0.heldAt })
        var status = try await HQStatus.gather(harness.hqData, now: Date())
        #expect(status.heldRisk.count == 3 && status.heldRisk.oldest != nil)
        try await harness.withRouter { hq in
            let metrics = try await hq.operatorRequest("/metrics").body
            #expect(metrics.contains("creditsync_hq_risk_held_items 3"), "\(metrics)")
        }

        // Jiangsu enrols: its two items go to its new feed, the central authority's stays.
        let jiangsu = try await harness.province("320000", enroll: false)
        let (_, released) = try await harness.hqData.enroll(province: "320000", verifierKey: jiangsu.signer.verifierKey, now: Date())
        #expect(released.released == 2 && released.stillHeld == 1 && released.byProvince == ["320000": 2])
        let jiangsuFeed = try await harness.hqData.feed(province: "320000")
        let delivered = try await jiangsuFeed.entries(from: 0, to: try await jiangsuFeed.latestCheckpoint().size)
        #expect(delivered.count == 2)
        #expect(delivered.allSatisfy { entry in
            let value = try? JSONParser.parse(entry)
            return value?["province"]?.stringValue == "320000" && value?["origin"]?.stringValue == "central"
                && usccs["320500"]!.contains(value?.value(at: "entity.uscc")?.stringValue ?? "")
        })
        held = try await store.held(after: nil, limit: 100)
        #expect(held.map(\.uscc) == [central])

        // The register learns where the central authority's entity is registered: released there.
        let registration = #"{"v":1,"change_id":"reg-central","province":"440000","category":"registration","id":"R-CENTRAL","op":"upsert","entity":{"uscc":"\#(central)","name":"中央登记企业"},"fields":{}}"#
        _ = try await harness.hqData.storage.register.importChanges(province: try ProvinceCode("440000"),
                                                                    [try ChangeRecord(parsing: Array(registration.utf8), province: nil)], now: Date())
        let guangdongFeed = try await harness.hqData.feed(province: "440000")
        let sizeBefore = try await guangdongFeed.latestCheckpoint().size
        let second = try await HeldRiskRelease(data: harness.hqData, domain: try DomainTables.bundled()).run()
        #expect(second.released == 1 && second.stillHeld == 0)
        #expect(try await guangdongFeed.latestCheckpoint().size == sizeBefore + 1)
        #expect(try await store.held(after: nil, limit: 100).isEmpty)
        status = try await HQStatus.gather(harness.hqData, now: Date())
        #expect(status.heldRisk == HeldRiskSummary(count: 0, oldest: nil))
    }

    @Test("a release interrupted after the feed append delivers the item once", arguments: StorageBackend.allCases)
    func releaseIsIdempotent(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        _ = try await harness.province("440000")
        let (url, _) = try FeedTests.riskFile(harness.directory, seed: 32, divisions: [("440300", 2)])
        #expect(try await FeedTests.importRisk(harness, url).0.appended == 2)
        let feed = try await harness.hqData.feed(province: "440000")
        let size = try await feed.latestCheckpoint().size
        // As if a release had appended this item and stopped before removing it from the queue.
        let line = try #require(String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n").first)
        let value = try JSONParser.parse(Array(line.utf8))
        try await harness.hqData.storage.heldRisk.hold([HeldRiskItem(
            changeID: value["change_id"]!.stringValue!, uscc: value.value(at: "entity.uscc")!.stringValue!, code: "not-enrolled",
            reason: "interrupted", heldAt: Date(), record: CanonicalJSON.encode(value))])
        // And an item too large to be a feed record once routed: it stays held with the reason,
        // and does not stop the rest of the queue.
        let base = value.setting("change_id", to: .string("central/huge")).setting("fields.detail", to: .string(""))
        let fill = (65_515 - CanonicalJSON.encode(base).count) / 3  // ~65,515 bytes: fits the queue, not a routed record
        let huge = base.setting("fields.detail", to: .string(String(repeating: "长", count: fill)))
        try await harness.hqData.storage.heldRisk.hold([HeldRiskItem(
            changeID: "central/huge", uscc: value.value(at: "entity.uscc")!.stringValue!, code: "not-enrolled",
            reason: "interrupted", heldAt: Date(), record: CanonicalJSON.encode(huge))])
        let summary = try await HeldRiskRelease(data: harness.hqData, domain: try DomainTables.bundled()).run()
        #expect(summary.released == 1 && summary.stillHeld == 1)
        #expect(try await feed.latestCheckpoint().size == size)
        let left = try await harness.hqData.storage.heldRisk.held(after: nil, limit: 10)
        #expect(left.map(\.changeID) == ["central/huge"] && left.first?.code == "invalid-record", "\(left.map(\.reason))")
    }

    /// A registration change for `uscc` in `province`, as the central register imports it.
    static func registration(_ id: String, _ uscc: String, province: String, status: String, since: String) throws -> ChangeRecord {
        let text = #"{"v":1,"change_id":"reg-\#(id)-\#(status)","province":"\#(province)","category":"registration","id":"\#(id)","op":"upsert","entity":{"uscc":"\#(uscc)","name":"迁移企业"},"fields":{"status":"\#(status)"},"occurred_at":"\#(since)"}"#
        return try ChangeRecord(parsing: Array(text.utf8), province: nil)
    }

    @Test("a moved entity's item waits for its new registration, then follows it; a deregistered entity's later items are held",
          arguments: StorageBackend.allCases)
    func followsTheRegistration(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        _ = try await harness.province("440000")
        _ = try await harness.province("110000")
        let register = harness.hqData.storage.register
        var generator = CentralRiskGenerator(seed: 33)
        // Registered in Guangdong (its code says so too), then moved out.
        let moved = generator.uscc(division: "440106")
        _ = try await register.importChanges(province: try ProvinceCode("440000"), [
            try Self.registration("R-GD", moved, province: "440000", status: "存续", since: "2024-02-01"),
            try Self.registration("R-GD", moved, province: "440000", status: "迁出", since: "2026-04-01"),
        ], now: Date())
        // Deregistered in Guangdong on 2026-05-10.
        let closed = generator.uscc(division: "440300")
        _ = try await register.importChanges(province: try ProvinceCode("440000"), [
            try Self.registration("R-CLOSED", closed, province: "440000", status: "注销", since: "2026-05-10"),
        ], now: Date())
        func line(_ uscc: String, decided: String) throws -> String {
            let value = try JSONParser.parse(generator.record(uscc: uscc)).setting("fields.decided_on", to: .string(decided))
            return String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
        }
        let (url, _) = try FeedTests.riskFile(harness.directory, seed: 33, divisions: [], extra: [
            try line(moved, decided: "2026-06-01"), try line(closed, decided: "2026-05-10"), try line(closed, decided: "2026-05-11"),
        ])
        let (summary, _) = try await FeedTests.importRisk(harness, url)
        #expect(summary.appended == 1 && summary.byProvince == ["440000": 1] && summary.held == 2)
        var held = try await harness.hqData.storage.heldRisk.held(after: nil, limit: 10)
        #expect(Dictionary(uniqueKeysWithValues: held.map { ($0.uscc, $0.code) }) == [moved: "moved-out", closed: "deregistered"])
        #expect(held.first { $0.uscc == moved }?.reason.contains("迁出") == true)

        // The register learns the new registration in Beijing: the item goes to Beijing, not back to Guangdong.
        _ = try await register.importChanges(province: try ProvinceCode("110000"), [
            try Self.registration("R-BJ", moved, province: "110000", status: "存续", since: "2026-04-01"),
        ], now: Date())
        let released = try await HeldRiskRelease(data: harness.hqData, domain: try DomainTables.bundled()).run()
        #expect(released.released == 1 && released.byProvince == ["110000": 1] && released.stillHeld == 1)
        let beijing = try await harness.hqData.feed(province: "110000")
        let entries = try await beijing.entries(from: 0, to: try await beijing.latestCheckpoint().size)
        #expect(entries.count == 1 && String(decoding: entries[0], as: UTF8.self).contains(moved))
        held = try await harness.hqData.storage.heldRisk.held(after: nil, limit: 10)
        #expect(held.map(\.uscc) == [closed] && held.first?.reason.contains("2026-05-11") == true)
    }
}
