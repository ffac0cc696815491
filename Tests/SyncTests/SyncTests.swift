import AsyncHTTPClient
import Foundation
import HQNode
import LedgerCore
import LedgerStore
import NationalCrypto
import NIOCore
import NIOHTTP1
import ProvinceNode
import ServiceLifecycle
import SyncProtocol
import Testing
import TestSupport

/// Province → HQ sync over real mutual TLS on 127.0.0.1 (DESIGN §6).
@Suite("Sync over mutual TLS")
struct SyncTests {
    /// The mirror holds exactly the province's log: same entries, same signed checkpoint, verifies.
    func expectIdentical(_ mirror: LedgerStore, _ ledger: ProvinceLedger) throws {
        let size = try ledger.store.size()
        #expect(try mirror.size() == size)
        #expect(try mirror.entries(from: 0, to: size) == ledger.store.entries(from: 0, to: size))
        #expect(try mirror.mirrorStatus().complete?.text == ledger.store.latestCheckpoint()?.text)
        #expect(try mirror.verify().entries == size)
    }

    @Test("two provinces: first sync, incremental sync, receipts stored and verified")
    func firstAndIncremental() async throws {
        let harness = try SyncHarness()
        let guangdong = try await harness.province("440000", records: 1000)
        let shanghai = try await harness.province("310000", suite: .sm3SM2, records: 300)
        try await harness.withHQ { hq in
            let first = try await hq.sync(guangdong)
            #expect(first.uploaded == 1000 && first.size == 1000)
            let national = try await hq.sync(shanghai, gzip: false)
            #expect(national.uploaded == 300)
            try expectIdentical(try hq.mirror("440000"), guangdong)
            try expectIdentical(try hq.mirror("310000"), shanghai)

            // Incremental: only the new entries travel; the receipt cosigns the new checkpoint.
            try await harness.append(guangdong, 1000..<1777)
            let second = try await hq.sync(guangdong)
            #expect(second.uploaded == 777 && second.size == 1777)
            try expectIdentical(try hq.mirror("440000"), guangdong)

            // The receipt: HQ's tlog-cosignature over the checkpoint, stored by the province.
            let receipts = try guangdong.store.receipts()
            #expect(receipts.map(\.size) == [1777, 1000])
            let verifier = try CosignatureVerifier(verifierKey: try VerifierKey(parsing: harness.hqKey))
            let checkpoint = try #require(try guangdong.store.checkpoint(size: 1777))
            #expect(try SignedNote(text: checkpoint.note.text, signatures: [receipts[0].signature]).verify([verifier]).count == 1)
            #expect(abs(Double(receipts[0].time) - Date().timeIntervalSince1970) < 120)

            // Nothing new: a sync is a cheap no-op that returns the stored receipt.
            let again = try await hq.sync(guangdong)
            #expect(again.uploaded == 0 && again.receipt == second.receipt)
            #expect(try hq.mirror("440000").receipts().count == 2)

            // Metrics and health.
            let metrics = try await hq.request(.GET, "/metrics", as: "440000")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains(#"creditsync_hq_entries_received_total{province="440000"} 1777"#))
            #expect(metrics.body.contains(#"creditsync_hq_mirror_size{province="440000"} 1777"#))
            #expect(metrics.body.contains("creditsync_hq_sync_lag_seconds"))
            #expect(try await hq.request(.GET, "/healthz", as: "440000").body == "ok\n")
        }
    }

    @Test("an upload cut off mid-stream resumes and ends with exactly the province's log", arguments: [true, false])
    func interruptedUpload(gzip: Bool) async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 3000)
        try await harness.withHQ(commitEntries: 512) { hq in
            // The first request breaks after ~1,100 entries' worth of bytes, inside a package.
            let summary = try await hq.sync(ledger, gzip: gzip, interruptAfterBytes: 600_000)
            #expect(summary.size == 3000)
            #expect(summary.requests > 4, "the interrupted upload was resumed by a second upload")
            try expectIdentical(try hq.mirror("440000"), ledger)
        }
    }

    @Test("an interrupted upload keeps the verified packages at HQ, and a later run resumes from them")
    func resumeAcrossRuns() async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 2000)
        try await harness.withHQ(commitEntries: 256) { hq in
            var configuration = try harness.syncConfiguration("440000", port: hq.port)
            configuration.retries = 0
            var client = SyncClient(configuration: configuration)
            client.interruptFirstUploadAfterBytes = 300_000
            await #expect(throws: ProvinceNodeError.self) { try await client.sync(ledger.store) }
            let kept = try await waitForStableNextEntry(hq)
            #expect(kept > 0 && kept < 2000 && kept % 256 == 0, "kept \(kept) entries")
            #expect(try hq.mirror("440000").verify().entries == kept)
            let resumed = try await hq.sync(ledger)
            #expect(resumed.uploaded == 2000 - kept)
            try expectIdentical(try hq.mirror("440000"), ledger)
        }
    }

    func waitForStableNextEntry(_ hq: RunningHQ) async throws -> UInt64 {
        var last: UInt64 = .max
        let mirror = try hq.mirror("440000")
        for _ in 0..<100 {
            let next = try mirror.mirrorStatus().nextEntry
            if next == last { return next }
            last = next
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    @Test("graceful shutdown during an upload commits what was verified; the sync resumes on restart")
    func gracefulShutdown() async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 20_000)
        let partial: UInt64 = try await harness.withHQ(commitEntries: 256) { hq in
            var configuration = try harness.syncConfiguration("440000", port: hq.port, gzip: false)
            configuration.retries = 0
            let client = SyncClient(configuration: configuration)
            let syncing = Task { try await client.sync(ledger.store) }
            // Shut down once the upload is under way (polling one open mirror; a minute at most,
            // so a failed upload shows as a failure rather than a hang).
            let mirror = try hq.mirror("440000")
            let deadline = ContinuousClock.now + .seconds(60)
            while try mirror.mirrorStatus().nextEntry < 1024 {
                guard ContinuousClock.now < deadline else {
                    Issue.record("the upload did not reach 1,024 entries within a minute")
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            await hq.group.triggerGracefulShutdown()
            let result = await syncing.result
            let next = try mirror.mirrorStatus().nextEntry
            if case .success = result { return 20_000 }  // it finished first: nothing to resume
            #expect(next < 20_000)
            return next
        }
        // Whatever was committed verifies; a new HQ process takes the sync to the end.
        #expect(try harness.hqData.openMirror(province: "440000").verify().entries == partial)
        try await harness.withHQ { hq in
            let summary = try await hq.sync(ledger)
            #expect(summary.uploaded == 20_000 - partial)
            try expectIdentical(try hq.mirror("440000"), ledger)
        }
    }
}
