import Foundation
import HQNode
import HQStorage
import LedgerCore
import LedgerStore
import LineInput
import Mirroring
import NationalCrypto
import NIOHTTP1
import ProvinceNode
import Quality
import Synchronization
import Synthetic
import SyncProtocol
import Testing
import TestSupport

/// Push-down of central risk information (DESIGN §7) over loopback mTLS: import and routing at
/// HQ, delivery in the sync, verification, exactly-once application, acknowledgement, lag.
@Suite("Central risk feeds")
struct FeedTests {
    /// A risk file: `count` records for each division, plus the lines given verbatim.
    static func riskFile(_ directory: TemporaryDirectory, name: String = "risk.ndjson", seed: UInt64 = 7,
                         divisions: [(String, Int)], extra: [String] = []) throws -> (URL, [String: [String]]) {
        var generator = CentralRiskGenerator(seed: seed)
        var lines: [String] = []
        var usccs: [String: [String]] = [:]
        for (division, count) in divisions {
            for _ in 0..<count {
                let uscc = generator.uscc(division: division)
                usccs[division, default: []].append(uscc)
                lines.append(String(decoding: generator.record(uscc: uscc), as: UTF8.self))
            }
        }
        let url = directory.appending(name)
        try Data((lines + extra).map { $0 + "\n" }.joined().utf8).write(to: url)
        return (url, usccs)
    }

    static func importRisk(_ harness: SyncHarness, _ url: URL, chunk: Int = 4096) async throws -> (RiskImporter.Summary, [RiskImporter.Rejection]) {
        var importer = try RiskImporter(data: harness.hqData, domain: try DomainTables.bundled(), rules: try QualityRules.bundled())
        importer.chunkEntries = chunk
        let rejections = RejectionList()
        let summary = try await importer.run([.init(name: url.lastPathComponent, path: url.path)]) { rejections.add($0) }
        return (summary, rejections.all)
    }

    static func feedConfiguration(_ hq: RunningHQ, _ ledger: ProvinceLedger, key: String? = nil) async throws -> SyncConfiguration {
        var configuration = try hq.harness.syncConfiguration(ledger.province, port: hq.port, suite: ledger.suite.id)
        configuration.hqFeedKey = try key ?? hq.harness.hqData.keys.feedVerifierKey(province: ledger.province, suite: ledger.suite.id)
        return configuration
    }

    /// Receives the feed in deliveries of at most `most` entries (HQ ends each at a checkpoint).
    static func receive(_ hq: RunningHQ, _ ledger: ProvinceLedger, key: String? = nil, most: UInt64 = 4,
                        beforeApply: SyncClient.FeedHook? = nil) async throws -> SyncClient.FeedSummary {
        var client = SyncClient(configuration: try await feedConfiguration(hq, ledger, key: key))
        client.feedDeliveryEntries = most
        return try await client.receiveFeed(ledger.store, signer: ledger.signer, beforeApply: beforeApply)
    }

    /// What a province holds of the feed: cursor size, applied entries, acknowledgements.
    static func holdings(_ ledger: ProvinceLedger, usccs: [String]) async throws -> (cursor: UInt64, items: [LedgerStore.CentralRiskItem], size: UInt64) {
        let cursor = try await ledger.store.feedCursor(origin: FeedOrigin.of(province: ledger.province))?.size ?? 0
        var items: [LedgerStore.CentralRiskItem] = []
        for uscc in usccs { items += try await ledger.store.centralRisk(uscc: uscc) }
        return (cursor, items, try await ledger.store.size())
    }

    @Test("a central risk record is checked against its category as the rules file describes it")
    func checksFromRules() async throws {
        let harness = try await SyncHarness()
        _ = try await harness.province("440000")
        var generator = CentralRiskGenerator(seed: 5)
        /// A valid record whose `fields` went through `edit`.
        func variant(_ edit: (inout [String: Any]) -> Void) throws -> String {
            var object = try #require(JSONSerialization.jsonObject(with: Data(generator.record(uscc: generator.uscc(division: "440300")))) as? [String: Any])
            var fields = try #require(object["fields"] as? [String: Any])
            edit(&fields)
            object["fields"] = fields
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let lines = [
            try variant { $0["source_dept"] = nil },
            try variant { $0["kind"] = "不存在的类别" },
            try variant { $0["decided_on"] = "2026/11/20" },
            try variant { _ in },
        ]
        let url = harness.directory.appending("checks.ndjson")
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        let (summary, rejections) = try await Self.importRisk(harness, url)
        #expect(summary.appended == 1)
        #expect(rejections.map(\.reason) == [
            "fields.source_dept is missing or empty",
            "fields.kind \"不存在的类别\" is not in the central_risk_kind code table",
            "fields.decided_on is not a YYYY-MM-DD date",
        ])

        // The checks are the rules file's: a file that requires `detail` refuses a record
        // without it, and one without the category refuses to import at all.
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Quality/Resources/rules/quality-rules.json")
        var rules = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: bundled)) as? [String: Any])
        var categories = try #require(rules["categories"] as? [String: Any])
        var central = try #require(categories["central_risk"] as? [String: Any])
        var fields = try #require(central["fields"] as? [String: Any])
        var detail = try #require(fields["detail"] as? [String: Any])
        detail["required"] = true
        fields["detail"] = detail
        central["fields"] = fields
        categories["central_risk"] = central
        rules["categories"] = categories
        let strict = try QualityRules(bytes: Array(try JSONSerialization.data(withJSONObject: rules)))
        let again = try variant { $0["detail"] = nil }
        try Data((again + "\n").utf8).write(to: url)
        let refused = RejectionList()
        _ = try await RiskImporter(data: harness.hqData, domain: try DomainTables.bundled(), rules: strict)
            .run([.init(name: "checks.ndjson", path: url.path)]) { refused.add($0) }
        #expect(refused.all.map(\.reason) == ["fields.detail is missing or empty"])
        categories["central_risk"] = nil
        rules["categories"] = categories
        var groupings = try #require(rules["groupings"] as? [String: [String: Any]])
        for (name, var grouping) in groupings {
            grouping["categories"] = (grouping["categories"] as? [String])?.filter { $0 != "central_risk" }
            groupings[name] = grouping
        }
        rules["groupings"] = groupings
        rules["push_down"] = nil
        let without = try QualityRules(bytes: Array(try JSONSerialization.data(withJSONObject: rules)))
        #expect { _ = try RiskImporter(data: harness.hqData, domain: try DomainTables.bundled(), rules: without) } throws: {
            ($0 as? QualityError)?.codeValue == .invalidRules && ($0 as? QualityError)?.key == "categories.central_risk"
        }
    }

    @Test("each province gets only its own entries, verified, applied once, acknowledged in its log, cosigned; HQ shows the lag",
          arguments: StorageBackend.allCases)
    func delivery(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let guangdong = try await harness.province("440000", records: 20)
        let beijing = try await harness.province("110000", suite: .sm3SM2, records: 10)
        // An entity whose code says Guangdong but which the central register has registered in
        // Beijing (it moved): routed by its registration.
        var generator = CentralRiskGenerator(seed: 99)
        let moved = generator.uscc(division: "440106")
        let registration = #"{"v":1,"change_id":"reg-moved","province":"110000","category":"registration","id":"R-MOVED","op":"upsert","entity":{"uscc":"\#(moved)","name":"迁移企业"},"fields":{}}"#
        _ = try await harness.hqData.storage.register.importChanges(province: try ProvinceCode("110000"), [try ChangeRecord(parsing: Array(registration.utf8), province: nil)], now: Date())
        let movedLine = String(decoding: generator.record(uscc: moved), as: UTF8.self)
        let central = generator.uscc(division: "100000")
        let (url, usccs) = try Self.riskFile(harness.directory, divisions: [("440300", 9), ("110105", 4)], extra: [
            movedLine,
            String(decoding: generator.record(uscc: central), as: UTF8.self),              // central division: unroutable
            String(decoding: generator.record(uscc: generator.uscc(division: "320500")), as: UTF8.self), // Jiangsu: not enrolled
            #"{"category":"admin_penalty","change_id":"x","id":"y"}"#,                          // not central_risk
            "{not json",
        ])
        let (summary, rejections) = try await Self.importRisk(harness, url, chunk: 4)
        #expect(summary.appended == 14 && summary.byProvince == ["440000": 9, "110000": 5])
        #expect(summary.byRegistration == 1 && summary.byCode == 13 && summary.held == 2 && summary.rejected == 2)
        #expect(rejections.map(\.line) == [17, 18])
        // What cannot be routed yet is held with its reason (HeldRiskTests follows it further).
        let held = try await harness.hqData.storage.heldRisk.held(after: nil, limit: 10)
        #expect(held.map(\.code).sorted() == ["central-authority", "not-enrolled"])
        #expect(held.contains { $0.uscc == central && $0.reason.contains("100000") } && held.contains { $0.reason.contains("320000") && $0.reason.contains("not enrolled") })
        // A re-import appends nothing.
        let again = try await Self.importRisk(harness, url, chunk: 4).0
        #expect(again.appended == 0 && again.repeated == 14)

        try await harness.withHQ { hq in
            for ledger in [guangdong, beijing] { _ = try await hq.sync(ledger) }
            let gd = try await Self.receive(hq, guangdong)
            let bj = try await Self.receive(hq, beijing)
            #expect(gd.applied == 9 && gd.deliveries == 3 && gd.cursor == 9 && gd.latest == 9)
            #expect(bj.applied == 5 && bj.deliveries == 2 && bj.cursor == 5)

            // Each holds exactly its own entities' information, nothing of the other's.
            let gdHeld = try await Self.holdings(guangdong, usccs: usccs["440300"]! + usccs["110105"]! + [moved])
            let bjHeld = try await Self.holdings(beijing, usccs: usccs["440300"]! + usccs["110105"]! + [moved])
            #expect(gdHeld.items.count == 9 && Set(gdHeld.items.compactMap { try? JSONParser.parse($0.entry).value(at: "entity.uscc")?.stringValue }) == Set(usccs["440300"]!))
            #expect(bjHeld.items.count == 5 && bjHeld.items.contains { String(decoding: $0.entry, as: UTF8.self).contains(moved) })
            #expect(gdHeld.items.allSatisfy { String(decoding: $0.entry, as: UTF8.self).contains(#""origin":"central""#) })
            // Each item published under its entity (记于企业名下) and one acknowledgement record per
            // delivery, in the province's own signed log.
            #expect(gdHeld.size == 20 + 9 + 3 && bjHeld.size == 10 + 5 + 2)
            let ack = try #require(FeedAcknowledgement(entry: try await guangdong.store.entry(at: 31)))
            #expect(ack.feed == FeedOrigin.of(province: "440000") && ack.from == 8 && ack.size == 9)
            let published = try JSONParser.parse(try await guangdong.store.entry(at: 30))
            let delivered = try JSONParser.parse(try #require(gdHeld.items.last).entry)
            #expect(published["change_id"] == delivered["change_id"] && published["fields"] == delivered["fields"] && published["intake"] == nil
                    && published["origin"]?.stringValue == "central" && published["published_at"]?.stringValue?.hasSuffix("Z") == true)

            // A second run finds nothing new and applies nothing.
            let quiet = try await Self.receive(hq, guangdong)
            let sizeAfterQuiet = try await guangdong.store.size()
            #expect(quiet.applied == 0 && quiet.deliveries == 0 && sizeAfterQuiet == 32)

            // Before the acknowledgements are uploaded HQ sees them as outstanding; after, as applied.
            var status = try await HQStatus.gather(harness.hqData, now: Date())
            var feed = try #require(status.provinces.first { $0.province == "440000" }).feed
            #expect(feed.feedSize == 9 && feed.acknowledgedSize == 0 && feed.unacknowledged == 9 && feed.oldestUnacknowledgedAgeSeconds != nil)
            #expect(feed.cosignedSize == 9)
            for ledger in [guangdong, beijing] { _ = try await hq.sync(ledger) }
            status = try await HQStatus.gather(harness.hqData, now: Date())
            feed = try #require(status.provinces.first { $0.province == "440000" }).feed
            #expect(feed.acknowledgedSize == 9 && feed.unacknowledged == 0 && feed.lastLagSeconds != nil && feed.acknowledgementMatches)
            // Appended and applied within the same test: no working day between them.
            #expect(feed.lastLagWorkingDays == 0)
            let bjFeed = try #require(status.provinces.first { $0.province == "110000" }).feed
            #expect(bjFeed.acknowledgedSize == 5 && bjFeed.cosignedSize == 5)
            // The national-suite province's feed is SM3/SM2 and its cosignature SM2.
            let bjStore = try await harness.hqData.feed(province: "110000")
            #expect(try await bjStore.latestCheckpoint().note.contains("suite sm3-sm2"))
            let bjCosignature = try #require(try await bjStore.cosignatures().first)
            #expect(bjCosignature.signature.signature.count > 8 + 64)
            let metrics = try await hq.operatorRequest("/metrics").body
            #expect(metrics.contains(#"creditsync_hq_feed_unacknowledged_entries{province="440000"} 0"#))
        }
    }

    @Test("a delivery cut off anywhere, or a province killed between verification and application, is applied exactly once")
    func exactlyOnce() async throws {
        let harness = try await SyncHarness()
        let ledger = try await harness.province("440000", records: 3)
        let (url, usccs) = try Self.riskFile(harness.directory, divisions: [("440300", 6)])
        _ = try await Self.importRisk(harness, url, chunk: 3)
        try await harness.withHQ { hq in
            let feedKey = try harness.hqData.keys.feedVerifierKey(province: "440000", suite: .sha256Ed25519)
            let verifier = FeedVerifier(province: "440000", suite: ledger.suite, feedKey: try ledger.suite.signatures.verifier(
                name: FeedOrigin.of(province: "440000"), publicKey: Array(try VerifierKey(parsing: feedKey).typeAndKey.dropFirst())))
            let body = try await hq.request(.GET, FeedAPI.feedPath("440000") + "?from=0&max=3", as: "440000")
            #expect(body.status == 200)
            let bytes = Array(body.body.utf8)
            // Every cut of the body is refused whole: nothing reaches the ledger.
            for cut in 0..<bytes.count {
                let parsed = try? FeedDeliveryBody.parse(Array(bytes[..<cut]))
                if let parsed { #expect(throws: FeedError.self) { try verifier.verify(header: parsed.header, entries: parsed.entries, cursor: nil) } }
                if cut % 64 == 0 { await Task.yield() }
            }
            // Killed after verifying, before applying: nothing applied, and the next run applies it once.
            struct Killed: Error {}
            await #expect(throws: Killed.self) { _ = try await Self.receive(hq, ledger) { _ in throw Killed() } }
            var held = try await Self.holdings(ledger, usccs: usccs["440300"]!)
            #expect(held.cursor == 0 && held.items.isEmpty && held.size == 3)
            // Killed before the second delivery: the first stays applied, once.
            let count = Counter()
            await #expect(throws: Killed.self) {
                _ = try await Self.receive(hq, ledger, most: 3) { _ in if count.next() == 2 { throw Killed() } }
            }
            held = try await Self.holdings(ledger, usccs: usccs["440300"]!)
            #expect(held.cursor == 3 && held.items.count == 3 && held.size == 3 + 3 + 1)
            let rest = try await Self.receive(hq, ledger)
            held = try await Self.holdings(ledger, usccs: usccs["440300"]!)
            #expect(rest.applied == 3 && held.cursor == 6 && held.items.map(\.feedIndex) == [0, 1, 2, 3, 4, 5] && held.size == 3 + 6 + 2)
            // A verified delivery applied twice (a second process raced) is refused by the cursor.
            let stale = try await ledger.store.feedCursor(origin: FeedOrigin.of(province: "440000"))
            #expect(stale?.size == 6)
            let parsed = try FeedDeliveryBody.parse(bytes)
            let first = try verifier.verify(header: parsed.header, entries: parsed.entries, cursor: nil)
            let ack = try ChangeRecord(parsing: FeedAcknowledgement(feed: first.origin, from: 0, size: 3, root: first.checkpoint.root, appliedAt: 1).record(province: "440000"), province: "440000")
            await #expect(throws: LedgerStoreError.self) { _ = try await ledger.store.applyCentralRisk(first, acknowledgement: ack, signer: ledger.signer, now: Date()) }
            #expect(try await Self.holdings(ledger, usccs: usccs["440300"]!).items.count == 6)
        }
    }

    @Test("tampered entries, a bad signature, a rewritten history and a replayed older feed are refused; the province keeps its state",
          arguments: StorageBackend.allCases)
    func refusals(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 2)
        let (url, usccs) = try Self.riskFile(harness.directory, divisions: [("440300", 4)])
        _ = try await Self.importRisk(harness, url, chunk: 2)
        try await harness.withHQ { hq in
            let origin = FeedOrigin.of(province: "440000")
            let signer = try harness.hqData.keys.feedSigner(province: "440000", suite: .sha256Ed25519)
            let verifier = FeedVerifier(province: "440000", suite: ledger.suite, feedKey: try ledger.suite.signatures.verifier(name: origin, publicKey: signer.publicKey))
            let older = Array(try await hq.request(.GET, FeedAPI.feedPath("440000") + "?from=0&max=2", as: "440000").body.utf8)

            // A wrong feed key in the configuration: refused before anything is applied.
            let stranger = try Ed25519NoteSigner.generate(name: origin)
            await expectRefused(.signatureInvalid) { _ = try await Self.receive(hq, ledger, key: stranger.verifierKey) }
            #expect(try await Self.holdings(ledger, usccs: usccs["440300"]!).cursor == 0)

            // A tampered entry (one byte of its detail changed, still canonical JSON).
            let parsed = try FeedDeliveryBody.parse(older)
            var entries = parsed.entries
            entries[1] = Array(String(decoding: entries[1], as: UTF8.self).replacingOccurrences(of: "认定", with: "认可").utf8)
            #expect { try verifier.verify(header: parsed.header, entries: entries, cursor: nil) } throws: { ($0 as? FeedError)?.codeValue == .proofInvalid }
            // A dropped entry, and an entry of another province.
            #expect(throws: FeedError.self) { try verifier.verify(header: parsed.header, entries: Array(entries.prefix(1)), cursor: nil) }
            // A checkpoint whose signature does not verify (the root line edited).
            var header = parsed.header
            header.checkpoint = header.checkpoint.replacingOccurrences(of: "\n2\n", with: "\n3\n")
            #expect { try verifier.verify(header: header, entries: parsed.entries, cursor: nil) } throws: { ($0 as? FeedError)?.codeValue == .signatureInvalid }

            // Apply the real feed up to 4.
            #expect(try await Self.receive(hq, ledger).cursor == 4)
            let before = try await Self.holdings(ledger, usccs: usccs["440300"]!)
            let cursor = try await ledger.store.feedCursor(origin: origin)

            // A replayed older delivery (the one from 0 to 2): refused as a rollback.
            #expect { try verifier.verify(header: parsed.header, entries: parsed.entries, cursor: cursor) } throws: { ($0 as? FeedError)?.codeValue == .rollback }

            // A rewritten history: HQ's key signs a feed of size 6 that does not extend the one
            // of size 4 this province accepted (another feed file with other entries).
            let forgery = try LedgerStore.create(at: harness.directory.appending("forged-feed.sqlite").path,
                                                 metadata: LedgerMetadata(suite: .sha256Ed25519, origin: origin, province: "440000", role: .feed, verifierKey: signer.verifierKey),
                                                 suite: ledger.suite, signer: signer, now: Date())
            var generator = CentralRiskGenerator(seed: 12345)
            let forged = try (0..<6).map { _ in
                try ChangeRecord(parsing: CanonicalJSON.encode(CentralItem.routed(try JSONParser.parse(generator.record(uscc: generator.uscc(division: "440300"))), to: "440000", intake: 0)), province: "440000")
            }
            let forgedCheckpoint = try await forgery.append(forged, signer: signer, now: Date()).checkpoint
            let rewritten = FeedDeliveryHeader(origin: origin, from: 4, size: 6, latest: 6, checkpoint: forgedCheckpoint.text,
                                               consistency: try await forgery.consistencyProof(from: 4, to: 6).hashes)
            let forgedEntries = try await forgery.entries(from: 4, to: 6)
            #expect { try verifier.verify(header: rewritten, entries: forgedEntries, cursor: cursor) } throws: {
                ($0 as? FeedError)?.codeValue == .historyRewritten && "\($0)".contains("FEED REFUSED")
            }
            try forgery.close()

            // Through the sync's own step, both HQ-signed refusals are kept as evidence (issue 26,
            // item 5): HQ's checkpoint, its proof and the checkpoint the province had accepted.
            #expect(try await ledger.store.feedEvidence().isEmpty)
            for (header, entries) in [(parsed.header, parsed.entries), (rewritten, forgedEntries)] {
                await #expect(throws: FeedError.self) {
                    _ = try await SyncClient.verify(header: header, entries: entries, cursor: cursor, verifier: verifier, store: ledger.store, now: Date())
                }
            }
            // A delivery whose signature does not verify is not HQ's: nothing to keep.
            await #expect(throws: FeedError.self) {
                _ = try await SyncClient.verify(header: header, entries: parsed.entries, cursor: cursor, verifier: verifier, store: ledger.store, now: Date())
            }
            let evidence = try await ledger.store.feedEvidence()
            #expect(evidence.map(\.code) == ["feed.rollback", "feed.history-rewritten"])
            #expect(evidence[1].checkpoint == forgedCheckpoint.text && evidence[1].acceptedCheckpoint == cursor?.note
                    && evidence[1].from == 4 && evidence[1].size == 6 && evidence[1].consistency == rewritten.consistency)
            let status = try await CLI.run(["province", "status", "--ledger", ledger.directory.path, "--lang", "en"])
            #expect(status.status == 0 && status.stdout.contains("refused feed checkpoints kept as evidence (`province evidence` exports them): 2")
                    && status.stdout.contains("feed.history-rewritten size 6 (from 4)"), "\(status)")
            let exported = try await CLI.run(["province", "evidence", "--ledger", ledger.directory.path])
            let lines = exported.stdout.split(separator: "\n")
            #expect(exported.status == 0 && lines.count == 2)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let kept = try decoder.decode(LedgerStore.FeedEvidence.self, from: Data(lines[1].utf8))
            // The exported checkpoint still verifies with HQ's feed key: the contradiction is provable.
            #expect(kept.checkpoint == forgedCheckpoint.text && (try? UnverifiedCheckpoint(parsing: kept.checkpoint).verify(logKey: verifier.feedKey, suite: ledger.suite.id)) != nil)

            // Nothing changed on the province.
            let after = try await Self.holdings(ledger, usccs: usccs["440300"]!)
            #expect(after.cursor == before.cursor && after.items == before.items && after.size == before.size)

            // HQ refuses a cosignature that its province's key did not make, and one of a size it never signed.
            let wrong = try LogKeyCosigning.cosign(try UnverifiedCheckpoint(parsing: cursor!.note).checkpoint, time: 1, with: try Ed25519NoteSigner.generate(name: ledger.store.metadata.origin))
            let refused = try await hq.request(.POST, FeedAPI.cosignaturePath("440000"), as: "440000",
                                               body: Array(try JSONEncoder().encode(FeedCosignature(size: 4, cosignature: wrong.line))))
            #expect(refused.status == 403 && refused.body.contains("hq.signature-invalid"))
            // A body that is not one signature line is malformed, not forged.
            for garbage in ["not a signature line\n", "— no-newline AAAA", wrong.line + wrong.line] {
                let malformed = try await hq.request(.POST, FeedAPI.cosignaturePath("440000"), as: "440000",
                                                     body: Array(try JSONEncoder().encode(FeedCosignature(size: 4, cosignature: garbage))))
                #expect(malformed.status == 400 && malformed.body.contains("sync.malformed"), "\(garbage)")
            }
            let missing = try await hq.request(.POST, FeedAPI.cosignaturePath("440000"), as: "440000",
                                               body: Array(try JSONEncoder().encode(FeedCosignature(size: 3, cosignature: wrong.line))))
            #expect(missing.status == 404)
            let huge = try await hq.request(.POST, FeedAPI.cosignaturePath("440000"), as: "440000",
                                            body: Array(#"{"size": 18446744073709551615, "cosignature": "x"}"#.utf8))
            #expect(huge.status == 400 && huge.body.contains("sync.malformed"))
            // A cursor beyond HQ's feed is refused with a stable code.
            let beyond = try await hq.request(.GET, FeedAPI.feedPath("440000") + "?from=99", as: "440000")
            #expect(beyond.status == 409 && beyond.body.contains("hq.stale"))
        }
    }

    func expectRefused(_ code: FeedError.Code, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected a refusal \(code.rawValue)", sourceLocation: sourceLocation)
        } catch let error as FeedError {
            #expect(error.codeValue == code, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        }
    }
}

final class RejectionList: Sendable {
    private let list = Mutex<[RiskImporter.Rejection]>([])
    func add(_ rejection: RiskImporter.Rejection) { list.withLock { $0.append(rejection) } }
    var all: [RiskImporter.Rejection] { list.withLock { $0 } }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
