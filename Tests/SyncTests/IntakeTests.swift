import Foundation
import HQNode
import HQStorage
import LedgerCore
import LedgerStore
import Mirroring
import ProvinceNode
import Quality
import Synthetic
import Testing
import TestSupport

/// HQ's central intake log (issue 26, items 1 and 3; DESIGN §7): every central item and each
/// routing decision is logged, signed, before any feed entry; each feed entry names its intake
/// entry; a delivered item follows its entity when it moves, withdrawn from the old feed; and
/// `hq verify` finds any item not delivered unaltered to exactly one live feed or held.
@Suite("Central intake log")
struct IntakeTests {
    static func storageArguments(_ harness: SyncHarness) -> [String] {
        switch harness.location {
        case .directory(let url): ["--data", url.path, "--keys", harness.directory.appending("hq-keys").path]
        case .database(let url): ["--database", url, "--keys", harness.directory.appending("hq-keys").path]
        }
    }

    /// Every entry of `log`.
    static func entries(_ log: any FeedStore) async throws -> [[UInt8]] {
        try await log.entries(from: 0, to: try await log.latestCheckpoint().size)
    }

    @Test("every item's decision is logged before its feed entry, which names it; hq verify finds a dropped, an altered and an unlogged item",
          arguments: StorageBackend.allCases)
    func accounted(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        _ = try await harness.province("440000")
        _ = try await harness.province("110000")
        let (url, _) = try FeedTests.riskFile(harness.directory, seed: 41, divisions: [("440300", 3), ("110105", 2), ("320500", 1)])
        let (summary, _) = try await FeedTests.importRisk(harness, url)
        #expect(summary.appended == 5 && summary.held == 1)

        // One decision per item, each a signed entry of the intake log.
        let intake = try await harness.hqData.intake()
        #expect(intake.origin == IntakeOrigin.origin && intake.province == IntakeOrigin.division)
        let logged = try await Self.entries(intake).map { try IntakeEntry(entry: $0) }
        #expect(logged.count == 6 && logged.allSatisfy { $0.after == nil })
        #expect(logged.filter { if case .held(let code, _) = $0.decision { code == "not-enrolled" } else { false } }.count == 1)
        // Each feed entry names the intake entry that routed it there, and carries its item unaltered.
        for province in ["440000", "110000"] {
            for bytes in try await Self.entries(try await harness.hqData.feed(province: province)) {
                let index = try #require(CentralItem.intakeIndex(of: bytes))
                let decision = logged[Int(index)]
                #expect(decision.decision == .routed(province: province, basis: "code"))
                #expect(CanonicalJSON.encode(CentralItem.normalized(try JSONParser.parse(bytes))) == CanonicalJSON.encode(decision.record))
            }
        }
        var report = try await IntakeVerification(data: harness.hqData).run()
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.summary.items == 6 && report.summary.routed == 5 && report.summary.held == 1 && report.summary.feedEntries == 5)
        let ok = try await CLI.run(["hq", "verify"] + Self.storageArguments(harness))
        #expect(ok.status == 0 && ok.stdout.contains("intake ok: 6 entries, 6 items (5 delivered, 1 held, 0 moved), 5 feed entries accounted for"), "\(ok.stdout)\(ok.stderr)")

        // Anyone with an export and HQ's public keys can run the same check offline.
        let keys = harness.directory.appending("hq-public-keys.txt")
        try Data(([try harness.hqData.keys.intakeSigner().verifierKey] + ["440000", "110000"].map {
            try harness.hqData.keys.feedVerifierKey(province: $0, suite: .sha256Ed25519)
        }).joined(separator: "\n").utf8).write(to: keys)
        let export = harness.directory.appending("export")
        let exported = try await CLI.run(["hq", "risk", "export-logs"] + Self.storageArguments(harness) + ["--out", export.path])
        #expect(exported.status == 0 && exported.stdout.contains("intake log: 6 entries; feeds: 110000 2, 440000 3"), "\(exported.stdout)\(exported.stderr)")
        let checked = try await CLI.run(["hq", "risk", "check-logs", export.path, "--keys", keys.path])
        #expect(checked.status == 0 && checked.stdout.contains("every central item accounted for: 6 items (5 delivered, 1 held, 0 moved), 5 feed entries"),
                "\(checked.stdout)\(checked.stderr)")
        // An entry changed in the export, or a key HQ does not hold, and nothing is accounted.
        let feedFile = export.appendingPathComponent("feeds/440000.ndjson")
        let original = try Data(contentsOf: feedFile)
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"op\":\"upsert\"", with: "\"op\":\"revoke\"").utf8).write(to: feedFile)
        let changed = try await CLI.run(["hq", "risk", "check-logs", export.path, "--keys", keys.path])
        #expect(changed.status == 4 && changed.stderr.contains("the entries of creditsync.samr/hq/feed/440000 do not give its signed root"), "\(changed.stderr)")
        try original.write(to: feedFile)
        let stranger = try Ed25519NoteSigner.generate(name: IntakeOrigin.origin).verifierKey
        let forged = try await CLI.run(["hq", "risk", "check-logs", export.path, "--key", stranger] + ["440000", "110000"].flatMap {
            ["--key", try harness.hqData.keys.feedVerifierKey(province: $0, suite: .sha256Ed25519)]
        })
        #expect(forged.status == 4 && forged.stderr.contains("the checkpoint of creditsync.samr/hq/intake does not verify with the key given for it"), "\(forged.stderr)")
        // A feed with no key given is not checked, and says which key is missing.
        let keyless = try await CLI.run(["hq", "risk", "check-logs", export.path, "--key", try harness.hqData.keys.intakeSigner().verifierKey])
        #expect(keyless.status == 5 && keyless.stderr.contains("no key given for creditsync.samr/hq/feed/110000"), "\(keyless.stderr)")

        // HQ logs an item for Guangdong and drops it; logs another and delivers an edited copy;
        // and puts an item into Beijing's feed that it never logged.
        let signer = try harness.hqData.keys.intakeSigner()
        let template = logged[0].record
        func item(_ id: String) -> JSONValue { template.setting("change_id", to: .string(id)).setting("id", to: .string(id)) }
        let uscc = logged[0].uscc
        let dropped = IntakeEntry(item: "central/dropped", uscc: uscc, decision: .routed(province: "440000", basis: "code"), after: nil, record: item("central/dropped"), loggedAt: Date())
        let edited = IntakeEntry(item: "central/edited", uscc: uscc, decision: .routed(province: "440000", basis: "code"), after: nil, record: item("central/edited"), loggedAt: Date())
        _ = try await intake.append([PreparedEntry(try dropped.changeRecord(), suite: intake.suite), PreparedEntry(try edited.changeRecord(), suite: intake.suite)],
                                    signer: signer, now: Date())
        let editedIndex = try #require(try await intake.indexes(changeIDs: [edited.changeID])[edited.changeID])
        let guangdong = try await harness.hqData.feed(province: "440000")
        let copy = CentralItem.routed(item("central/edited").setting("fields.case_no", to: .string("改过的文号")), to: "440000", intake: editedIndex)
        _ = try await guangdong.append([PreparedEntry(try ChangeRecord(value: copy, province: "440000"), suite: guangdong.suite)],
                                       signer: try harness.hqData.keys.feedSigner(province: "440000", suite: .sha256Ed25519), now: Date())
        let beijing = try await harness.hqData.feed(province: "110000")
        var unlogged = CentralItem.routed(item("central/unlogged"), to: "110000", intake: 0)
        if case .object(var members) = unlogged { members.removeAll { $0.key == "intake" }; unlogged = .object(members) }
        _ = try await beijing.append([PreparedEntry(try ChangeRecord(value: unlogged, province: "110000"), suite: beijing.suite)],
                                     signer: try harness.hqData.keys.feedSigner(province: "110000", suite: .sha256Ed25519), now: Date())

        report = try await IntakeVerification(data: harness.hqData).run()
        let found = report.findings.map { "\($0.code.rawValue) \($0.item)" }.sorted()
        #expect(found == ["intake.altered central/edited", "intake.undelivered central/dropped", "intake.unlogged central/unlogged"], "\(report.findings)")
        let failed = try await CLI.run(["hq", "verify"] + Self.storageArguments(harness))
        #expect(failed.status == 4 && failed.stdout.contains("intake FAILED: intake.undelivered central/dropped: intake entry 6 routes the item to 440000, whose feed does not hold it"),
                "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stderr.contains("error: 3 central items are not accounted for (intake.altered, intake.undelivered, intake.unlogged)"), "\(failed.stderr)")
        let again = harness.directory.appending("export-2")
        _ = try await CLI.run(["hq", "risk", "export-logs"] + Self.storageArguments(harness) + ["--out", again.path])
        let offline = try await CLI.run(["hq", "risk", "check-logs", again.path, "--keys", keys.path])
        #expect(offline.status == 4 && offline.stdout.contains("intake FAILED: intake.undelivered central/dropped")
                && offline.stdout.contains("intake FAILED: intake.altered central/edited") && offline.stdout.contains("intake FAILED: intake.unlogged central/unlogged"),
                "\(offline.stdout)\(offline.stderr)")
    }

    @Test("a delivered item follows its entity: withdrawn from the old feed and applied there, delivered to the new one, once, and accounted for",
          arguments: StorageBackend.allCases)
    func followsTheMove(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let guangdong = try await harness.province("440000", records: 2)
        let shanghai = try await harness.province("310000", records: 2)
        let register = harness.hqData.storage.register
        var generator = CentralRiskGenerator(seed: 42)
        let entity = generator.uscc(division: "440106")
        _ = try await register.importChanges(province: try ProvinceCode("440000"), [
            try HeldRiskTests.registration("R-GD", entity, province: "440000", status: "存续", since: "2024-02-01"),
        ], now: Date())
        let (url, _) = try FeedTests.riskFile(harness.directory, seed: 42, divisions: [("440300", 1)],
                                              extra: [String(decoding: generator.record(uscc: entity), as: UTF8.self)])
        #expect(try await FeedTests.importRisk(harness, url).0.byProvince == ["440000": 2])
        try await harness.withHQ { hq in
            _ = try await hq.sync(guangdong)
            #expect(try await FeedTests.receive(hq, guangdong).applied == 2)
        }
        #expect(try await guangdong.store.centralRisk(uscc: entity).map(\.withdrawal) == [nil])

        // The entity moves to Shanghai: its delivered item is withdrawn from Guangdong's feed and
        // delivered to Shanghai's, each decision logged first.
        _ = try await register.importChanges(province: try ProvinceCode("440000"), [
            try HeldRiskTests.registration("R-GD", entity, province: "440000", status: "迁出", since: "2026-11-20"),
        ], now: Date())
        _ = try await register.importChanges(province: try ProvinceCode("310000"), [
            try HeldRiskTests.registration("R-SH", entity, province: "310000", status: "存续", since: "2026-11-20"),
        ], now: Date())
        let release = HeldRiskRelease(data: harness.hqData, domain: try DomainTables.bundled())
        let moved = try await release.run()
        #expect(moved.moved == 1 && moved.movedTo == ["310000": 1] && moved.released == 0)
        let intake = try await harness.hqData.intake()
        let decisions = try await Self.entries(intake).map { try IntakeEntry(entry: $0) }
        #expect(decisions.count == 4)
        #expect(decisions[2].item == decisions[1].item && decisions[2].after == 1 && decisions[2].decision.name == "withdrawn")
        #expect(decisions[3].after == 2 && decisions[3].decision == .routed(province: "310000", basis: "registration"))
        let gdFeed = try await Self.entries(try await harness.hqData.feed(province: "440000"))
        let withdrawal = try JSONParser.parse(try #require(gdFeed.last))
        #expect(gdFeed.count == 3 && withdrawal["category"]?.stringValue == CentralItem.withdrawalCategory
                && withdrawal.value(at: "fields.to")?.stringValue == "310000" && withdrawal["intake"] == .number(2))

        // Run again, and once more as if the first run had stopped before placing the item in
        // Shanghai: nothing is logged or delivered twice.
        #expect(try await release.run().moved == 0)
        try await harness.hqData.storage.heldRisk.place([RiskPlacement(changeID: decisions[1].item, uscc: entity, province: "440000", intakeIndex: 1, placedAt: Date())])
        #expect(try await release.run().moved == 1)
        #expect(try await intake.latestCheckpoint().size == 4)
        #expect(try await Self.entries(try await harness.hqData.feed(province: "440000")).count == 3)
        #expect(try await Self.entries(try await harness.hqData.feed(province: "310000")).count == 1)

        // Both provinces apply it: Guangdong keeps the item as delivered, marked withdrawn;
        // Shanghai has it current.
        try await harness.withHQ { hq in
            _ = try await hq.sync(shanghai)
            #expect(try await FeedTests.receive(hq, guangdong).applied == 1)
            #expect(try await FeedTests.receive(hq, shanghai).applied == 1)
        }
        let old = try await guangdong.store.centralRisk(uscc: entity)
        #expect(old.count == 1 && old[0].withdrawal?.to == "310000" && old[0].withdrawal?.code == "moved")
        let new = try await shanghai.store.centralRisk(uscc: entity)
        // Delivered again under a change id of its own (the decision it follows names it).
        let redelivery = "\(decisions[1].item)/after/2"
        #expect(new.count == 1 && new[0].withdrawal == nil && new[0].changeID == redelivery)
        // In each province's own data (记于企业名下): Guangdong published the item, then revoked it
        // under the withdrawal's change id; Shanghai published it.
        func published(_ ledger: ProvinceLedger) async throws -> [JSONValue] {
            try await ledger.store.entries(from: 0, to: try await ledger.store.size()).map { try JSONParser.parse($0) }
                .filter { $0["origin"]?.stringValue == "central" && $0.value(at: "entity.uscc")?.stringValue == entity }
        }
        let gdPublished = try await published(guangdong)
        #expect(gdPublished.map { $0["op"]?.stringValue } == ["upsert", "revoke"] && gdPublished.allSatisfy { $0["id"] == gdPublished[0]["id"] })
        #expect(gdPublished[1]["change_id"]?.stringValue == "withdraw/\(decisions[1].item)/2")
        let shPublished = try await published(shanghai)
        #expect(shPublished.count == 1 && shPublished[0]["op"]?.stringValue == "upsert" && shPublished[0]["change_id"]?.stringValue == redelivery)
        let listing = try await CLI.run(["province", "risk", "--ledger", guangdong.directory.path, "--uscc", entity])
        #expect(listing.status == 0 && listing.stdout.contains("WITHDRAWN by feed entry 2 (moved, now registered in 310000)"), "\(listing.stdout)")

        var report = try await IntakeVerification(data: harness.hqData).run()
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.summary.moved == 1 && report.summary.routed == 2)

        // It moves back: Guangdong, which withdrew the item, takes it again as a new delivery
        // and publishes it again; Shanghai withdraws it.
        _ = try await register.importChanges(province: try ProvinceCode("310000"), [
            try HeldRiskTests.registration("R-SH", entity, province: "310000", status: "迁出", since: "2026-12-01"),
        ], now: Date())
        _ = try await register.importChanges(province: try ProvinceCode("440000"), [
            try HeldRiskTests.registration("R-GD2", entity, province: "440000", status: "存续", since: "2026-12-01"),
        ], now: Date())
        #expect(try await release.run().movedTo == ["440000": 1])
        try await harness.withHQ { hq in
            _ = try await hq.sync(guangdong)
            #expect(try await FeedTests.receive(hq, guangdong).applied == 1)
            #expect(try await FeedTests.receive(hq, shanghai).applied == 1)
        }
        let back = try await guangdong.store.centralRisk(uscc: entity)
        #expect(back.map { $0.withdrawal == nil } == [false, true] && back[1].changeID == "\(decisions[1].item)/after/4")
        #expect(try await shanghai.store.centralRisk(uscc: entity).map { $0.withdrawal?.to } == ["440000"])
        #expect(try await published(guangdong).map { $0["op"]?.stringValue } == ["upsert", "revoke", "upsert"])
        report = try await IntakeVerification(data: harness.hqData).run()
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.summary.moved == 1 && report.summary.routed == 2 && report.summary.intakeEntries == 6)
    }

    @Test("a push-down run stopped after logging is finished by the next; two imports at once decide each item once",
          arguments: StorageBackend.allCases)
    func resumesAndSerializes(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        _ = try await harness.province("440000")
        _ = try await harness.province("310000")
        // Two imports of one file at once, the file naming one change id twice with two entities:
        // every item decided once, the repeated line's first decision standing.
        var generator = CentralRiskGenerator(seed: 4_400)
        let first = try JSONParser.parse(generator.record(uscc: generator.uscc(division: "440300")))
        let twin = first.setting("entity.uscc", to: .string(generator.uscc(division: "310104")))
        // And a line whose change id has the form of HQ's own re-deliveries: refused.
        let reserved = first.setting("change_id", to: .string("central/x/after/17"))
        let (url, _) = try FeedTests.riskFile(harness.directory, seed: 44, divisions: [("440300", 20), ("310104", 20)],
                                              extra: [first, twin, reserved].map { String(decoding: CanonicalJSON.encode($0), as: UTF8.self) })
        async let one = FeedTests.importRisk(harness, url, chunk: 7)
        async let two = FeedTests.importRisk(harness, url, chunk: 7)
        let (a, b) = try await (one.0, two.0)
        #expect(a.appended + b.appended == 41 && a.repeated + b.repeated == 41 + 2, "\(a) \(b)")
        #expect(a.rejected == 1 && b.rejected == 1)
        let intake = try await harness.hqData.intake()
        #expect(try await intake.latestCheckpoint().size == 41)
        var report = try await IntakeVerification(data: harness.hqData).run()
        #expect(report.findings.isEmpty && report.summary.routed == 41, "\(report.findings)")

        // HQ stopped right after logging: an item routed to Shanghai, and a withdrawal from
        // Guangdong with nothing after it (a move cut in two). The next run finishes both.
        let signer = try harness.hqData.keys.intakeSigner()
        let orphan = IntakeEntry(item: "central/orphan", uscc: twin.value(at: "entity.uscc")!.stringValue!, decision: .routed(province: "310000", basis: "code"),
                                 after: nil, record: first.setting("change_id", to: .string("central/orphan")).setting("id", to: .string("orphan")), loggedAt: Date())
        let placement = try #require(try await harness.hqData.storage.heldRisk.placements(after: nil, limit: 100).first { $0.province == "440000" })
        let routed = try IntakeEntry(entry: try #require(try await intake.entries(from: placement.intakeIndex, to: placement.intakeIndex + 1).first))
        let cut = IntakeEntry(item: placement.changeID, uscc: placement.uscc,
                              decision: .withdrawn(province: "440000", code: "moved", reason: "test", delivery: routed.feedChangeID),
                              after: placement.intakeIndex, record: routed.record, loggedAt: Date())
        _ = try await intake.append([orphan, cut].map { PreparedEntry(try $0.changeRecord(), suite: intake.suite) }, signer: signer, now: Date())
        report = try await IntakeVerification(data: harness.hqData).run()
        #expect(Set(report.findings.map { "\($0.code.rawValue) \($0.item)" })
                == ["intake.undelivered central/orphan", "intake.undelivered \(placement.changeID)", "intake.not-withdrawn \(placement.changeID)"],
                "\(report.findings)")
        _ = try await HeldRiskRelease(data: harness.hqData, domain: try DomainTables.bundled()).run()
        report = try await IntakeVerification(data: harness.hqData).run()
        #expect(report.findings.isEmpty, "\(report.findings)")
        // The orphan reached Shanghai; the cut item was withdrawn from Guangdong and, the register
        // still having it nowhere else, delivered to Guangdong again under a new change id.
        let shanghai = try await Self.entries(try await harness.hqData.feed(province: "310000")).map { try JSONParser.parse($0) }
        #expect(shanghai.contains { $0["change_id"]?.stringValue == "central/orphan" })
        let guangdong = try await Self.entries(try await harness.hqData.feed(province: "440000")).map { try JSONParser.parse($0) }
        let lastTwo = guangdong.suffix(2)
        let withdrawalIndex = try #require(try await intake.indexes(changeIDs: [cut.changeID])[cut.changeID])
        #expect(lastTwo.contains { $0["change_id"]?.stringValue == "\(placement.changeID)/after/\(withdrawalIndex)" })
        // The withdrawal, applied after the decision that follows it, says where the item went.
        let withdrawal = try #require(lastTwo.first { $0["category"]?.stringValue == CentralItem.withdrawalCategory })
        #expect(withdrawal.value(at: "fields.to")?.stringValue == "440000" && withdrawal.value(at: "fields.change_id")?.stringValue == routed.feedChangeID)
        let applied = try await harness.hqData.storage.heldRisk.appliedIntake()
        #expect(try await applied == intake.latestCheckpoint().size)
    }
}
