import AsyncHTTPClient
import Foundation
import HQNode
import LedgerCore
import LedgerStore
import Logging
import NationalCrypto
import NIOCore
import NIOHTTP1
import PKI
import ProvinceNode
import SyncProtocol
import Testing
import TestSupport

/// Forks, wrong certificates and bad input: each is refused with a clear error and leaves HQ's
/// state exactly as it was (DESIGN §6, issue "HQ node", item 6).
@Suite("Sync refusals")
struct RefusalTests {
    /// Everything HQ holds about a province, for before/after comparisons.
    struct Snapshot: Equatable {
        var nextEntry: UInt64
        var checkpoints: [String]
        var receipts: Int
        var stateItems: Int
        var forks: Int
        var alarms: Int

        init(_ hq: RunningHQ, _ province: String = "440000") throws {
            let mirror = try hq.mirror(province)
            let status = try mirror.mirrorStatus()
            nextEntry = status.nextEntry
            checkpoints = try (0...status.pendingSize).compactMap { try mirror.checkpoint(size: $0)?.text }
            receipts = status.receipts
            stateItems = try mirror.stateCount()
            forks = try hq.harness.hqData.registry.forks().count
            alarms = try hq.harness.hqData.registry.alarms().count
        }
    }

    /// The body of an upload of [start, end) as UploadBody would send it; `edit` may tamper.
    func uploadBody(_ ledger: ProvinceLedger, start: UInt64, end: UInt64, edit: (inout [[UInt8]]) -> Void = { _ in }) throws -> [UInt8] {
        var lines: [[UInt8]] = []
        for range in PackagePlan(start: start, end: end) {
            lines += try ledger.store.entries(from: range.lowerBound, to: range.upperBound)
            lines.append(ProofLine.encode(try ledger.store.consistencyProof(from: range.upperBound, to: end).hashes))
        }
        edit(&lines)
        return lines.flatMap { $0 + [0x0A] }
    }

    func addCheckpoint(_ hq: RunningHQ, _ ledger: ProvinceLedger, old: UInt64, checkpoint: VerifiedCheckpoint, proof: [Hash]? = nil, as tls: String = "440000") async throws -> (status: Int, body: String) {
        let hashes = try proof ?? ledger.store.consistencyProof(from: old, to: checkpoint.size).hashes
        let request = AddCheckpointRequest(oldSize: old, proof: hashes, checkpoint: checkpoint.text)
        return try await hq.request(.POST, "/v1/provinces/\(ledger.province)/checkpoint", as: tls, body: Array(request.body.utf8))
    }

    @Test("a fork is refused, both checkpoints are kept as evidence, and an alarm is raised")
    func fork() async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 50)
        // A rewritten history under the same key: a copy of the ledger at 50 entries that then
        // diverges from the original.
        let forkDirectory = harness.directory.appending("forked-440000")
        try FileManager.default.copyItem(at: ledger.directory, to: forkDirectory)
        let forked = try ProvinceLedger.open(directory: forkDirectory)
        try await harness.append(ledger, 50..<100)
        try await forked.store.append(try (500..<550).map { try TestRecords.record($0) }, signer: forked.signer, now: Date())
        try await harness.withHQ { hq in
            _ = try await hq.sync(ledger)
            let before = try Snapshot(hq)

            // The province side notices first: HQ holds a size-100 root its ledger does not have.
            await #expect { try await hq.sync(forked) } throws: { "\($0)".contains("FORK") }
            #expect(try Snapshot(hq) == before)

            // Submitted anyway (a misbehaving node): a second signed root for size 100.
            let sameSize = try #require(try forked.store.latestCheckpoint())
            let response = try await addCheckpoint(hq, forked, old: 100, checkpoint: sameSize, proof: [])
            #expect(response.status == 409 && response.body.contains("hq.fork"), "\(response)")
            // And a longer forked history that does not extend HQ's.
            try await forked.store.append(try (550..<580).map { try TestRecords.record($0) }, signer: forked.signer, now: Date())
            let longer = try #require(try forked.store.latestCheckpoint())
            let second = try await addCheckpoint(hq, forked, old: 100, checkpoint: longer)
            #expect(second.status == 409 && second.body.contains("hq.fork"), "\(second)")

            let evidence = try harness.hqData.registry.forks(province: "440000")
            #expect(evidence.count == 2)
            #expect(evidence[0].reason.contains("two different signed roots for tree size 100"))
            #expect(evidence[0].submittedCheckpoint == sameSize.text)
            #expect(evidence[0].heldCheckpoint == (try ledger.store.latestCheckpoint())?.text)
            #expect(evidence[1].submittedCheckpoint == longer.text && evidence[1].proof != nil)
            #expect(try harness.hqData.registry.alarms(province: "440000").filter { $0.kind == "fork" }.count == 2)
            #expect(harness.logs.contains(.error, "FORK"))
            let metrics = try await hq.request(.GET, "/metrics", as: "440000")
            #expect(metrics.body.contains(#"creditsync_hq_forks_total{province="440000"} 2"#))
            // The mirror itself is untouched and still the true log.
            var after = try Snapshot(hq)
            after.forks = before.forks
            after.alarms = before.alarms
            #expect(after == before)
            #expect(try hq.mirror("440000").verify().entries == 100)
        }
    }

    @Test("a certificate from another CA is refused in the handshake")
    func otherCA() async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 10)
        let rogue = try CertificateAuthority.create(in: harness.directory.appending("rogue-ca"))
        try rogue.issue(.province("440000"), to: harness.directory.appending("tls-rogue"))
        try await harness.withHQ { hq in
            let before = try Snapshot(hq)
            var configuration = try harness.syncConfiguration("440000", port: hq.port, tlsDirectory: "tls-rogue")
            configuration.retries = 0
            await #expect(throws: ProvinceNodeError.self) { try await SyncClient(configuration: configuration).sync(ledger.store) }
            #expect(try Snapshot(hq) == before)
        }
    }

    @Test("a valid certificate for one province is refused (403, logged) for another province's log")
    func wrongProvince() async throws {
        let harness = try SyncHarness()
        let guangdong = try await harness.province("440000", records: 10)
        let shanghai = try await harness.province("310000", records: 10)
        try await harness.withHQ { hq in
            let before = try Snapshot(hq, "310000")
            let state = try await hq.request(.GET, "/v1/provinces/310000", as: "440000")
            #expect(state.status == 403 && state.body.contains("not 310000"))
            let checkpoint = try await addCheckpoint(hq, shanghai, old: 0, checkpoint: try #require(try shanghai.store.latestCheckpoint()), as: "440000")
            #expect(checkpoint.status == 403)
            let upload = try await hq.request(.POST, "/v1/provinces/310000/entries?start=0&end=10", as: "440000",
                                              body: try uploadBody(shanghai, start: 0, end: 10))
            #expect(upload.status == 403)
            #expect(harness.logs.contains(.warning, "refused a request for another province's log"))
            #expect(try Snapshot(hq, "310000") == before)
            // The rightful owner still syncs.
            _ = guangdong
            #expect(try await hq.sync(shanghai).size == 10)
        }
    }

    @Test("bad input of every kind: a clear error, HQ's state exactly as it was")
    func badInput() async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 300)
        _ = try await harness.province("120000", records: 5, enroll: false)
        try await harness.withHQ { hq in
            _ = try await hq.sync(ledger)
            try await harness.append(ledger, 300..<700)
            let checkpoint700 = try #require(try ledger.store.latestCheckpoint())
            #expect(try await addCheckpoint(hq, ledger, old: 300, checkpoint: checkpoint700).status == 200)
            let before = try Snapshot(hq)
            #expect(before.nextEntry == 300)

            // Unknown province (a valid certificate, no enrolment).
            let unknown = try await hq.request(.GET, "/v1/provinces/120000", as: "120000")
            #expect(unknown.status == 404 && unknown.body.contains("hq.not-enrolled"))

            // A checkpoint signed by another key under the same name.
            let impostor = try Ed25519Scheme().generateKey(name: ledger.store.metadata.origin).signer
            let forged = try VerifiedCheckpoint.sign(Checkpoint(origin: ledger.store.metadata.origin, size: 800, root: checkpoint700.root), with: impostor)
            let badSignature = try await addCheckpoint(hq, ledger, old: 700, checkpoint: forged, proof: [])
            #expect(badSignature.status == 403 && badSignature.body.contains("hq.signature-invalid"), "\(badSignature)")

            // A replayed old checkpoint.
            let old = try #require(try ledger.store.checkpoint(size: 300))
            let replay = try await addCheckpoint(hq, ledger, old: 0, checkpoint: old, proof: [])
            #expect(replay.status == 409 && replay.body.contains("older than HQ's latest"), "\(replay)")

            // Malformed add-checkpoint bodies, and an oversized one.
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: Array("hello".utf8)).status == 400)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: [UInt8](repeating: 0x41, count: 70_000)).status == 413)

            let path = "/v1/provinces/440000/entries?start=300&end=700"
            // Malformed NDJSON.
            let malformed = try await hq.request(.POST, path, as: "440000", body: Array("{\"not\": json}\n".utf8))
            #expect(malformed.status == 400 && malformed.body.contains("sync.malformed"), "\(malformed)")
            // A non-canonical entry (extra whitespace).
            let spaced = try await hq.request(.POST, path, as: "440000", body: try uploadBody(ledger, start: 300, end: 700) { lines in
                lines[0] = Array(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "\"v\":1", with: "\"v\": 1").utf8)
            })
            #expect(spaced.status == 400 && spaced.body.contains("canonical"), "\(spaced)")
            // An oversized line.
            let oversized = try await hq.request(.POST, path, as: "440000", body: [UInt8](repeating: 0x20, count: 70_000) + [0x0A])
            #expect(oversized.status == 413, "\(oversized)")
            // An entry whose hash does not match the signed checkpoint (valid, canonical, wrong).
            let swapped = try await hq.request(.POST, path, as: "440000", body: try uploadBody(ledger, start: 300, end: 700) { lines in
                lines[3] = (try? TestRecords.record(9999))?.canonicalBytes ?? []
            })
            #expect(swapped.status == 422 && swapped.body.contains("sync.proof-invalid"), "\(swapped)")
            // An upload that does not start at HQ's next entry, or targets no known checkpoint.
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?start=0&end=700", as: "440000", body: []).status == 409)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?start=300&end=650", as: "440000", body: []).status == 409)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?end=650", as: "440000", body: []).status == 400)
            // Corrupt gzip.
            let gzip = try await hq.request(.POST, path, as: "440000", body: [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03], headers: [("Content-Encoding", "gzip")])
            #expect(gzip.status >= 400 && gzip.status < 500, "\(gzip)")

            #expect(try Snapshot(hq) == before)
            #expect(try hq.mirror("440000").verify().entries == 300)
            // After all that, the honest upload goes through.
            #expect(try await hq.sync(ledger).size == 700)
        }
    }

    @Test("a bad package after good ones keeps the verified packages and nothing after them")
    func badLaterPackage() async throws {
        let harness = try SyncHarness()
        let ledger = try await harness.province("440000", records: 1000)
        try await harness.withHQ(commitEntries: 256) { hq in
            let checkpoint = try #require(try ledger.store.latestCheckpoint())
            #expect(try await addCheckpoint(hq, ledger, old: 0, checkpoint: checkpoint, proof: []).status == 200)
            let response = try await hq.request(.POST, "/v1/provinces/440000/entries?start=0&end=1000", as: "440000",
                                                body: try uploadBody(ledger, start: 0, end: 1000) { lines in
                                                    // Line 600 is entry 598 (two proof lines precede it).
                                                    lines[600] = (try? TestRecords.record(9999))?.canonicalBytes ?? []
                                                })
            #expect(response.status == 422)
            #expect(response.body.contains("\"next_entry\":512"), "\(response.body)")
            #expect(try hq.mirror("440000").verify().entries == 512)
            #expect(try await hq.sync(ledger).uploaded == 488)
        }
    }
}
