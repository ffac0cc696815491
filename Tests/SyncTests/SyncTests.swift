import AsyncHTTPClient
import Foundation
import HQNode
import HQStorage
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
    @Test("two provinces: first sync, incremental sync, receipts stored and verified", arguments: StorageBackend.allCases)
    func firstAndIncremental(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let guangdong = try await harness.province("440000", records: 1000)
        let shanghai = try await harness.province("310000", suite: .sm3SM2, records: 300)
        try await harness.withHQ { hq in
            let first = try await hq.sync(guangdong)
            #expect(first.uploaded == 1000 && first.size == 1000)
            let national = try await hq.sync(shanghai, gzip: false)
            #expect(national.uploaded == 300)
            try await harness.expectIdentical(guangdong)
            try await harness.expectIdentical(shanghai)

            // Incremental: only the new entries travel; the receipt cosigns the new checkpoint.
            try await harness.append(guangdong, 1000..<1777)
            let second = try await hq.sync(guangdong)
            #expect(second.uploaded == 777 && second.size == 1777)
            try await harness.expectIdentical(guangdong)

            // The receipt: HQ's tlog-cosignature over the checkpoint, stored by the province.
            let receipts = try await guangdong.store.receipts()
            #expect(receipts.map(\.size) == [1777, 1000])
            let verifier = try CosignatureVerifier(verifierKey: try VerifierKey(parsing: harness.hqKey))
            let checkpoint = try await #require(try guangdong.store.checkpoint(size: 1777))
            #expect(try SignedNote(text: checkpoint.note.text, signatures: [receipts[0].signature]).verify([verifier]).count == 1)
            #expect(abs(Double(receipts[0].time) - Date().timeIntervalSince1970) < 120)

            // Nothing new: a sync is a cheap no-op that returns the stored receipt.
            let again = try await hq.sync(guangdong)
            #expect(again.uploaded == 0 && again.receipt == second.receipt)
            #expect(try await hq.mirror("440000").receipts(size: nil).count == 2)

            // Metrics and health, on the operator listener.
            let metrics = try await hq.operatorRequest("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains(#"creditsync_hq_entries_received_total{province="440000"} 1777"#))
            #expect(metrics.body.contains(#"creditsync_hq_mirror_size{province="440000"} 1777"#))
            #expect(metrics.body.contains("creditsync_hq_sync_lag_seconds"))
            #expect(try await hq.operatorRequest("/healthz").body == "ok\n")
        }
    }

    @Test("an upload cut off mid-stream resumes and ends with exactly the province's log", arguments: StorageBackend.allCases, [true, false])
    func interruptedUpload(backend: StorageBackend, gzip: Bool) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 3000)
        try await harness.withHQ(commitEntries: 512) { hq in
            // The first request breaks after ~1,100 entries' worth of bytes, inside a package.
            let summary = try await hq.sync(ledger, gzip: gzip, interruptAfterBytes: 600_000)
            #expect(summary.size == 3000)
            #expect(summary.requests > 4, "the interrupted upload was resumed by a second upload")
            try await harness.expectIdentical(ledger)
        }
    }

    @Test("uploads at once share one upload budget smaller than their batches: each waits its turn, none is stuck, every mirror is whole",
          // A stuck upload never ends; a slow one under the full suite's load on two cores took
          // up to 180 s (the limit it had) for the PostgreSQL case.
          .timeLimit(.minutes(6)), arguments: StorageBackend.allCases)
    func sharedUploadBudget(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        var ledgers: [ProvinceLedger] = []
        for code in ["440000", "310000", "110000", "320000", "330000", "510000"] {
            ledgers.append(try await harness.province(code, records: 3000))
        }
        // 1 MiB for all six uploads of ~2 MiB each, in commits of up to 1 MiB: most must wait.
        try await harness.withHQ(configure: { $0.uploadBufferBytes = 1 << 20 }) { hq in
            try await withThrowingTaskGroup(of: SyncClient.Summary.self) { group in
                for ledger in ledgers { group.addTask { try await hq.sync(ledger, gzip: false) } }
                for try await summary in group { #expect(summary.size == 3000) }
            }
            for ledger in ledgers { try await harness.expectIdentical(ledger) }
            let metrics = try await hq.operatorRequest("/metrics").body
            #expect(metrics.contains("creditsync_hq_upload_budget_waits_total"), "no upload waited: the budget was not exercised")
        }
    }

    @Test("an interrupted upload keeps the verified packages at HQ, and a later run resumes from them", arguments: StorageBackend.allCases)
    func resumeAcrossRuns(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 2000)
        try await harness.withHQ(commitEntries: 256) { hq in
            var configuration = try harness.syncConfiguration("440000", port: hq.port)
            configuration.retries = 0
            var client = SyncClient(configuration: configuration)
            client.interruptFirstUploadAfterBytes = 300_000
            await #expect(throws: ProvinceNodeError.self) { try await client.sync(ledger.store) }
            // HQ records the upload's outcome after its last commit and after releasing the
            // province: from then on the mirror cannot move.
            let kept = try await settledUpload(hq)
            #expect(kept > 0 && kept < 2000 && kept % 256 == 0, "kept \(kept) entries")
            #expect(try await harness.verifyMirror("440000").entries == kept)
            let resumed = try await hq.sync(ledger)
            #expect(resumed.uploaded == 2000 - kept)
            try await harness.expectIdentical(ledger)
        }
    }

    /// Waits (a minute at most) until HQ has recorded the end of an upload; returns the mirror's
    /// next entry then.
    func settledUpload(_ hq: RunningHQ, province: String = "440000") async throws -> UInt64 {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !hq.harness.hqData.registry.events(province: province, limit: 20).contains(where: { $0.kind == .upload }) {
            guard ContinuousClock.now < deadline else { throw VectorError("HQ recorded no end of the upload within a minute") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await hq.mirror(province).status().nextEntry
    }

    @Test("graceful shutdown during an upload commits what was verified; the sync resumes on restart", arguments: StorageBackend.allCases)
    func gracefulShutdown(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 3000)
        let checkpoint = try #require(try await ledger.store.latestCheckpoint())
        try await harness.withHQ(commitEntries: 256) { hq in
            let submission = AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: checkpoint.text)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: Array(submission.body.utf8)).status == 200)
            // An upload whose body we hold open: 1,024 entries, then nothing until HQ shuts down.
            let body = try await RefusalTests.uploadBody(ledger, start: 0, end: 3000)
            let cut = try RefusalTests.offset(ofPackagesBefore: 1024, in: body)
            let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
            continuation.yield(ByteBuffer(bytes: body[..<cut]))
            let upload = Task {
                try await hq.streamingRequest("/v1/provinces/440000/entries?start=0&end=3000", as: "440000", body: stream)
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while try await hq.mirror("440000").status().nextEntry < 1024 {
                guard ContinuousClock.now < deadline else { throw VectorError("HQ did not commit the first 1,024 entries within a minute") }
                try await Task.sleep(for: .milliseconds(10))
            }
            // HQ is waiting for more of the body: the shutdown ends the upload, keeping its part.
            await hq.group.triggerGracefulShutdown()
            _ = await upload.result
            continuation.finish()
        }
        #expect(try await harness.mirror("440000").status().nextEntry == 1024)
        #expect(try await harness.verifyMirror("440000").entries == 1024)
        // A new HQ process takes the sync to the end.
        try await harness.withHQ { hq in
            let summary = try await hq.sync(ledger)
            #expect(summary.uploaded == 3000 - 1024)
            try await harness.expectIdentical(ledger)
        }
    }
}
