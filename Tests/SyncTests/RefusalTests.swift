import AsyncHTTPClient
import Foundation
import HQNode
import HQStorage
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
        var entries: [[UInt8]]
        var forks: Int
        var alarms: Int

        init(_ hq: RunningHQ, _ province: String = "440000") async throws {
            let mirror = try await hq.mirror(province)
            let status = try await mirror.status()
            nextEntry = status.nextEntry
            checkpoints = try await mirror.checkpoints().map(\.note)
            receipts = status.receipts
            entries = try await mirror.entries(from: 0, to: status.nextEntry)
            forks = try await hq.harness.hqData.registry.forks(province: nil).count
            alarms = try await hq.harness.hqData.registry.alarms(province: nil).count
        }
    }

    /// The body of an upload of [start, end) as UploadBody would send it; `edit` may tamper.
    static func uploadBody(_ ledger: ProvinceLedger, start: UInt64, end: UInt64, edit: (inout [[UInt8]]) -> Void = { _ in }) async throws -> [UInt8] {
        var lines: [[UInt8]] = []
        for range in PackagePlan(start: start, end: end) {
            lines += try await ledger.store.entries(from: range.lowerBound, to: range.upperBound)
            lines.append(ProofLine.encode(try await ledger.store.consistencyProof(from: range.upperBound, to: end).hashes))
        }
        edit(&lines)
        return lines.flatMap { $0 + [0x0A] }
    }

    /// The byte offset in an upload body (from 0) where the package starting at entry `index`
    /// (a multiple of 256) begins.
    static func offset(ofPackagesBefore index: Int, in body: [UInt8]) throws -> Int {
        var lines = 0
        var entries = 0
        for (offset, byte) in body.enumerated() where byte == 0x0A {
            lines += 1
            // Each package is 256 entry lines and one proof line.
            if lines % 257 != 0 { entries += 1 } else if entries == index { return offset + 1 }
        }
        throw VectorError("the body has no package boundary at \(index)")
    }

    func uploadBody(_ ledger: ProvinceLedger, start: UInt64, end: UInt64, edit: (inout [[UInt8]]) -> Void = { _ in }) async throws -> [UInt8] {
        try await Self.uploadBody(ledger, start: start, end: end, edit: edit)
    }

    func addCheckpoint(_ hq: RunningHQ, _ ledger: ProvinceLedger, old: UInt64, checkpoint: VerifiedCheckpoint, proof: [Hash]? = nil, as tls: String = "440000") async throws -> (status: Int, body: String) {
        let hashes: [Hash]
        if let proof { hashes = proof } else { hashes = try await ledger.store.consistencyProof(from: old, to: checkpoint.size).hashes }
        let request = AddCheckpointRequest(oldSize: old, proof: hashes, checkpoint: checkpoint.text)
        return try await hq.request(.POST, "/v1/provinces/\(ledger.province)/checkpoint", as: tls, body: Array(request.body.utf8))
    }

    @Test("a fork is refused, both checkpoints are kept as evidence, and an alarm is raised", arguments: StorageBackend.allCases)
    func fork(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 50)
        // A rewritten history under the same key: a copy of the ledger at 50 entries that then
        // diverges from the original.
        let forkDirectory = harness.directory.appending("forked-440000")
        try FileManager.default.copyItem(at: ledger.directory, to: forkDirectory)
        let forked = try await ProvinceLedger.open(directory: forkDirectory)
        try await harness.append(ledger, 50..<100)
        try await forked.store.append(try (500..<550).map { try TestRecords.record($0) }, signer: forked.signer, now: Date())
        try await harness.withHQ { hq in
            _ = try await hq.sync(ledger)
            let before = try await Snapshot(hq)

            // The province side notices first: HQ holds a size-100 root its ledger does not have.
            await #expect { try await hq.sync(forked) } throws: { "\($0)".contains("FORK") }
            #expect(try await Snapshot(hq) == before)

            // Submitted anyway (a misbehaving node): a second signed root for size 100 is proof.
            let sameSize = try #require(try await forked.store.latestCheckpoint())
            let response = try await addCheckpoint(hq, forked, old: 100, checkpoint: sameSize, proof: [])
            #expect(response.status == 409 && response.body.contains("hq.fork"), "\(response)")
            var evidence = try await harness.hqData.registry.forks(province: "440000")
            #expect(evidence.count == 1)
            #expect(evidence[0].reason.contains("two different signed roots for tree size 100"))
            #expect(evidence[0].submittedCheckpoint == sameSize.text)
            #expect(try await evidence[0].heldCheckpoint == ledger.store.checkpoint(size: 100)?.text)

            // A longer forked history: its consistency proof does not verify from HQ's root, but
            // a proof is unsigned client data, so that alone is a 422 and no alarm; HQ keeps the
            // signed checkpoint as seen.
            try await forked.store.append(try (550..<580).map { try TestRecords.record($0) }, signer: forked.signer, now: Date())
            let longer = try #require(try await forked.store.latestCheckpoint())
            let second = try await addCheckpoint(hq, forked, old: 100, checkpoint: longer)
            #expect(second.status == 422 && second.body.contains("sync.proof-invalid"), "\(second)")
            #expect(try await harness.hqData.registry.forks(province: "440000").count == 1)

            // Once the true log passes size 130 at HQ (in one batch, so it signs no checkpoint of
            // that size, which HQ would refuse as a second root for 130), the seen checkpoint is
            // contradicted by entries HQ holds: now it is proof, and kept as evidence.
            try await harness.append(ledger, 100..<140)
            #expect(try await hq.sync(ledger).size == 140)
            evidence = try await harness.hqData.registry.forks(province: "440000")
            #expect(evidence.count == 2)
            #expect(evidence.last?.submittedCheckpoint == longer.text)
            #expect(evidence.last?.reason.contains("differs from the root of the entries") == true)
            #expect(try await harness.hqData.registry.alarms(province: "440000").filter { $0.kind == "fork" }.count == 2)
            #expect(harness.logs.contains(.error, "FORK"))
            let metrics = try await hq.operatorRequest("/metrics")
            #expect(metrics.body.contains(#"creditsync_hq_forks_total{province="440000"} 2"#))
            // The mirror itself is the true log.
            try await harness.expectIdentical(ledger)
        }
    }

    @Test("a certificate from another CA is refused in the handshake")
    func otherCA() async throws {
        let harness = try await SyncHarness()
        let ledger = try await harness.province("440000", records: 10)
        let rogue = try CertificateAuthority.create(in: harness.directory.appending("rogue-ca"))
        try rogue.issue(.province("440000"), to: harness.directory.appending("tls-rogue"))
        try await harness.withHQ { hq in
            let before = try await Snapshot(hq)
            var configuration = try harness.syncConfiguration("440000", port: hq.port, tlsDirectory: "tls-rogue")
            configuration.retries = 0
            await #expect {
                try await SyncClient(configuration: configuration).sync(ledger.store)
            } throws: { error in
                // Refused by TLS (exit 7), not a network failure that a retry could fix.
                guard let error = error as? ProvinceNodeError else { return false }
                return error.codeValue == .refused && error.message.contains("TLS with HQ failed")
            }
            #expect(try await Snapshot(hq) == before)
            let events = try await harness.hqData.registry.events(province: "440000", limit: 10)
            #expect(events.allSatisfy { $0.kind == .enrolment }, "nothing reached the application: \(events)")
        }
    }

    @Test("a valid certificate for one province is refused (403, logged) for another province's log", arguments: StorageBackend.allCases)
    func wrongProvince(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let guangdong = try await harness.province("440000", records: 10)
        let shanghai = try await harness.province("310000", records: 10)
        try await harness.withHQ { hq in
            let before = try await Snapshot(hq, "310000")
            let state = try await hq.request(.GET, "/v1/provinces/310000", as: "440000")
            #expect(state.status == 403 && state.body.contains("not 310000"))
            let checkpoint = try await addCheckpoint(hq, shanghai, old: 0, checkpoint: try #require(try await shanghai.store.latestCheckpoint()), as: "440000")
            #expect(checkpoint.status == 403)
            let upload = try await hq.request(.POST, "/v1/provinces/310000/entries?start=0&end=10", as: "440000",
                                              body: try await uploadBody(shanghai, start: 0, end: 10))
            #expect(upload.status == 403)
            #expect(harness.logs.contains(.warning, "refused a request for another province's log"))
            #expect(try await Snapshot(hq, "310000") == before)
            // The refusals are counted under the certificate's province, never the requested one.
            let metrics = try await hq.operatorRequest("/metrics").body
            #expect(metrics.contains(#"creditsync_hq_requests_total{province="440000",endpoint="forbidden",status="403"} 3"#), "\(metrics)")
            #expect(!metrics.contains(#"province="310000",endpoint="forbidden""#))
            // The rightful owner still syncs.
            _ = guangdong
            #expect(try await hq.sync(shanghai).size == 10)
        }
    }

    @Test("bad input of every kind: a clear error, HQ's state exactly as it was", arguments: StorageBackend.allCases)
    func badInput(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 300)
        _ = try await harness.province("120000", records: 5, enroll: false)
        try await harness.withHQ { hq in
            _ = try await hq.sync(ledger)
            try await harness.append(ledger, 300..<700)
            let checkpoint700 = try #require(try await ledger.store.latestCheckpoint())
            #expect(try await addCheckpoint(hq, ledger, old: 300, checkpoint: checkpoint700).status == 200)
            let before = try await Snapshot(hq)
            #expect(before.nextEntry == 300)

            // Unknown province (a valid certificate, no enrolment).
            let unknown = try await hq.request(.GET, "/v1/provinces/120000", as: "120000")
            #expect(unknown.status == 404 && unknown.body.contains("hq.not-enrolled"))

            // A checkpoint signed by another key under the same name.
            let impostor = try Ed25519Scheme().generateKey(name: ledger.store.metadata.origin).signer
            let forged = try VerifiedCheckpoint.sign(Checkpoint(origin: ledger.store.metadata.origin, size: 800, root: checkpoint700.root), with: impostor)
            let badSignature = try await addCheckpoint(hq, ledger, old: 700, checkpoint: forged, proof: [])
            #expect(badSignature.status == 403 && badSignature.body.contains("hq.signature-invalid"), "\(badSignature)")

            // A replayed old checkpoint: stale, a client error (409), never "retry later".
            let old = try #require(try await ledger.store.checkpoint(size: 300))
            let replay = try await addCheckpoint(hq, ledger, old: 0, checkpoint: old, proof: [])
            #expect(replay.status == 409 && replay.body.contains("hq.stale") && replay.body.contains("older than HQ's latest"), "\(replay)")

            // Malformed add-checkpoint bodies, invalid UTF-8, and an oversized one.
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: Array("hello".utf8)).status == 400)
            let invalidUTF8 = try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000",
                                                   body: Array("old 300\n\n".utf8) + [0xC3, 0x28] + Array(checkpoint700.text.utf8))
            #expect(invalidUTF8.status == 400 && invalidUTF8.body.contains("not valid UTF-8"), "\(invalidUTF8)")
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: [UInt8](repeating: 0x41, count: 70_000)).status == 413)

            let path = "/v1/provinces/440000/entries?start=300&end=700"
            // Malformed NDJSON.
            let malformed = try await hq.request(.POST, path, as: "440000", body: Array("{\"not\": json}\n".utf8))
            #expect(malformed.status == 400 && malformed.body.contains("sync.malformed"), "\(malformed)")
            // A non-canonical entry (extra whitespace).
            let spaced = try await hq.request(.POST, path, as: "440000", body: try await uploadBody(ledger, start: 300, end: 700) { lines in
                lines[0] = Array(String(decoding: lines[0], as: UTF8.self).replacingOccurrences(of: "\"v\":1", with: "\"v\": 1").utf8)
            })
            #expect(spaced.status == 400 && spaced.body.contains("canonical"), "\(spaced)")
            // An oversized line.
            let oversized = try await hq.request(.POST, path, as: "440000", body: [UInt8](repeating: 0x20, count: 70_000) + [0x0A])
            #expect(oversized.status == 413, "\(oversized)")
            // An entry whose hash does not match the signed checkpoint (valid, canonical, wrong).
            let swapped = try await hq.request(.POST, path, as: "440000", body: try await uploadBody(ledger, start: 300, end: 700) { lines in
                lines[3] = (try? TestRecords.record(9999))?.canonicalBytes ?? []
            })
            #expect(swapped.status == 422 && swapped.body.contains("sync.proof-invalid"), "\(swapped)")
            // An upload that does not start at HQ's next entry, or targets no known checkpoint.
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?start=0&end=700", as: "440000", body: []).status == 409)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?start=300&end=650", as: "440000", body: []).status == 409)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?end=650", as: "440000", body: []).status == 400)

            #expect(try await Snapshot(hq) == before)
            #expect(try await harness.verifyMirror("440000").entries == 300)
            // After all that, the honest upload goes through.
            #expect(try await hq.sync(ledger).size == 700)
        }
    }

    @Test("a bad package after good ones keeps the verified packages and nothing after them", arguments: StorageBackend.allCases)
    func badLaterPackage(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 1000)
        try await harness.withHQ(commitEntries: 256) { hq in
            let checkpoint = try #require(try await ledger.store.latestCheckpoint())
            #expect(try await addCheckpoint(hq, ledger, old: 0, checkpoint: checkpoint, proof: []).status == 200)
            let response = try await hq.request(.POST, "/v1/provinces/440000/entries?start=0&end=1000", as: "440000",
                                                body: try await uploadBody(ledger, start: 0, end: 1000) { lines in
                                                    // Line 600 is entry 598 (two proof lines precede it).
                                                    lines[600] = (try? TestRecords.record(9999))?.canonicalBytes ?? []
                                                })
            #expect(response.status == 422)
            #expect(response.body.contains("\"next_entry\":512"), "\(response.body)")
            #expect(try await harness.verifyMirror("440000").entries == 512)
            #expect(try await hq.sync(ledger).uploaded == 488)
        }
    }
}
