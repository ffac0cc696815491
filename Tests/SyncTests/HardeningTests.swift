import AsyncHTTPClient
import Foundation
import Gzip
import HQNode
import HQStorage
import LedgerCore
import LedgerStore
import Logging
import Mirroring
import NationalCrypto
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PKI
import ProvinceNode
import ServiceLifecycle
import SyncProtocol
import Testing
import SwiftASN1
import TestSupport
import X509

/// HQ against hostile and broken clients (issue "Harden HQ"): no crash, no stuck province, no
/// silent contradiction. Each test fails on the HQ before that issue.
@Suite("HQ hardening")
struct HardeningTests {
    @Test("sizes beyond 2^63 − 1 are bad requests, never a crash")
    func hugeNumbers() async throws {
        let harness = try await SyncHarness()
        let ledger = try await harness.province("440000", records: 600)
        try await harness.withHQ { hq in
            for query in ["start=600&end=9223372036854775808", "start=9223372036854775808&end=9223372036854775808",
                          "start=0&end=18446744073709551615", "start=0&end=18446744073709551616", "start=-1&end=5", "start=01&end=5"] {
                let response = try await hq.request(.POST, "/v1/provinces/440000/entries?\(query)", as: "440000", body: [])
                #expect(response.status == 400 && response.body.contains("hq.bad-request"), "\(query): \(response)")
            }
            // A checkpoint signed by the province's own key claiming 2^63 entries.
            let root = try #require(try await ledger.store.latestCheckpoint()).root
            for size in ["9223372036854775808", "18446744073709551615"] {
                let body = ledger.store.metadata.origin + "\n" + size + "\n" + root.base64 + "\n"
                let note = SignedNote(text: body, signatures: [try ledger.signer.signature(for: body)]).serialized
                let response = try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: Array("old 0\n\n\(note)".utf8))
                #expect(response.status == 400 && response.body.contains("at most 9223372036854775807"), "\(response)")
            }
            let old = try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000",
                                           body: Array("old 9223372036854775808\n\n\(try #require(try await ledger.store.latestCheckpoint()).text)".utf8))
            #expect(old.status == 400, "\(old)")
            // HQ is still up for everyone.
            #expect(try await hq.sync(ledger).size == 600)
        }
    }

    @Test("an upload that goes silent is ended: the verified part is kept and the province released", arguments: StorageBackend.allCases)
    func silentUpload(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 1000)
        try await harness.withHQ(commitEntries: 256, configure: { $0.uploadIdleTimeoutSeconds = 1 }) { hq in
            let checkpoint = try #require(try await ledger.store.latestCheckpoint())
            let submission = AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: checkpoint.text)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: Array(submission.body.utf8)).status == 200)
            // One package and one line of the next, then silence.
            let body = try await RefusalTests.uploadBody(ledger, start: 0, end: 1000)
            let cut = try RefusalTests.offset(ofPackagesBefore: 256, in: body)
            let line = body[cut...].firstIndex(of: 0x0A)! + 1
            let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
            continuation.yield(ByteBuffer(bytes: body[..<line]))
            let silent = Task { try await hq.streamingRequest("/v1/provinces/440000/entries?start=0&end=1000", as: "440000", body: stream) }
            // HQ closes the connection within its deadline (plus a generous margin here).
            let ended = await withTaskGroup(of: Bool.self) { group in
                group.addTask { _ = await silent.result; return true }
                group.addTask { try? await Task.sleep(for: .seconds(30)); return false }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            continuation.finish()
            #expect(ended, "HQ kept the silent upload open")
            // HQ commits what it verified after it closes the connection, and then records the
            // upload as partial: wait for that event, not for a clock.
            // (Bounded only so that a lost event fails the assertion below instead of hanging.)
            for _ in 0..<3_000 {
                if try await harness.hqData.registry.events(province: "440000", limit: 10).contains(where: { $0.kind == .upload && $0.outcome == "partial" }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await harness.mirror("440000").status().nextEntry == 256)
            // The province is not stuck: the next sync resumes from the kept package. HQ's own
            // count, not the client's: on a loaded machine the 1 s upload deadline can also end
            // the resumed upload after its last byte, and the client then finds its receipt on
            // a retry and counts nothing uploaded.
            let summary = try await hq.sync(ledger)
            #expect(summary.size == 1000 && summary.uploaded <= 744)
            try await harness.expectIdentical(ledger)
            let uploads = try await harness.hqData.registry.events(province: "440000", limit: 50)
                .filter { $0.kind == .upload && ($0.outcome == "complete" || $0.outcome == "partial") }
            #expect(uploads.reduce(0) { $0 + $1.entries } == 1000, "every entry stored once: \(uploads.map { "\($0.outcome) \($0.entries)" })")
        }
    }

    @Test("a connection that never completes a TLS handshake is closed")
    func handshakeTimeout() async throws {
        let harness = try await SyncHarness()
        try await harness.withHQ(configure: { $0.handshakeTimeoutSeconds = 1; $0.idleTimeoutSeconds = 600 }) { hq in
            // Nothing at all, and half a ClientHello.
            for bytes in [[], [0x16, 0x03, 0x01, 0x02, 0x00]] as [[UInt8]] {
                let closed = try await RawConnection.secondsUntilClosed(port: hq.port, timeout: .seconds(20), sendFirst: bytes)
                #expect(closed != nil, "the connection stayed open")
                #expect((closed ?? 0) >= 0.9, "closed after \(closed ?? 0) s, before the deadline")
            }
        }
    }

    @Test("a connection idle after its handshake is closed")
    func idleTimeout() async throws {
        let harness = try await SyncHarness()
        try harness.ca.issue(.province("440000"), to: harness.directory.appending("tls-440000"))
        try await harness.withHQ(configure: { $0.idleTimeoutSeconds = 1 }) { hq in
            let configuration = try harness.syncConfiguration("440000", port: hq.port)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv13
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(configuration.cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: configuration.key, format: .pem))
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(configuration.ca))
            let context = try NIOSSLContext(configuration: tls)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                }
                .connect(host: "127.0.0.1", port: hq.port).get()
            let start = ContinuousClock.now
            let closed = await withTaskGroup(of: Bool.self) { group in
                group.addTask { try? await channel.closeFuture.get(); return true }
                group.addTask { try? await Task.sleep(for: .seconds(30)); return false }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            #expect(closed, "HQ kept an idle connection open")
            #expect(ContinuousClock.now - start >= .milliseconds(900))
            try? await channel.close()
        }
    }

    @Test("connections beyond max_connections wait until one closes")
    func connectionCap() async throws {
        let harness = try await SyncHarness()
        try await harness.withHQ(configure: { $0.maxConnections = 1; $0.handshakeTimeoutSeconds = 3 }, logLevel: .trace) { hq in
            // The first takes the only place; the second is accepted only once the first is
            // closed at its handshake deadline, so it is closed a deadline later. The second
            // starts once HQ has accepted the first (its connection count logged), however
            // loaded the machine: both in one accept batch would both get in.
            let start = ContinuousClock.now
            async let first = RawConnection.secondsUntilClosed(port: hq.port, timeout: .seconds(30))
            let deadline = ContinuousClock.now + .seconds(20)
            while !harness.logs.contains(.trace, "Connection opened.") {
                guard ContinuousClock.now < deadline else { throw VectorError("HQ did not accept the first connection") }
                try await Task.sleep(for: .milliseconds(10))
            }
            let gap = start.duration(to: .now)
            async let second = RawConnection.secondsUntilClosed(port: hq.port, timeout: .seconds(30))
            let (a, b) = try await (first, second)
            let firstClosed = try #require(a)
            // Both from the first's start.
            let secondClosed = try #require(b) + Double(gap.components.seconds) + Double(gap.components.attoseconds) / 1e18
            #expect(firstClosed >= 2.5 && secondClosed >= 2.5, "each held until its handshake deadline")
            // The order HQ saw, not wall-clock sums (which a loaded machine stretches): the
            // second was opened only once the first had closed, and never two at once.
            let events = harness.logs.matching(.trace, "Connection ").map { $0.hasPrefix("Connection opened.") ? "opened" : "closed" }
            #expect(events.prefix(4) == ["opened", "closed", "opened", "closed"], "\(events)")
            #expect(!harness.logs.contains(.trace, "hb.connections=2"), "two connections at once")
        }
    }

    @Test("concurrent add-checkpoints from two branches: one branch wins, nothing contradictory is stored", arguments: StorageBackend.allCases)
    func concurrentCheckpoints(backend: StorageBackend) async throws {
        for round in 0..<6 {
            let harness = try await SyncHarness(backend: backend)
            var common = try RawLog()
            common.append(try TestRecords.records(0..<50))
            var a = common
            a.append(try TestRecords.records(1000..<1030))
            var b = common
            b.append(try TestRecords.records(2000..<2050))
            try await harness.hqData.administration.enroll(province: "440000", verifierKey: common.signer.verifierKey, now: Date())
            let mirror = try await harness.mirror("440000")
            let hasher = mirror.suite.treeHasher
            func submit(_ log: RawLog, size: UInt64, old: UInt64) async throws -> CheckpointArbiter.Decision {
                let checkpoint = try log.checkpoint(size)
                let proof = try log.consistency(from: old, to: size)
                return try await mirror.submitCheckpoint(checkpoint, now: Date()) { facts in
                    CheckpointArbiter.decide(facts, oldSize: old, proof: proof, incoming: checkpoint.checkpoint, hasher: hasher)
                }
            }
            #expect(try await submit(common, size: 50, old: 0) == .accept)
            // Many submissions at once, each extending size 50: a's 80, b's 100, and sizes between.
            let decisions = try await withThrowingTaskGroup(of: CheckpointArbiter.Decision.self) { group in
                for i in 0..<32 {
                    let (log, size): (RawLog, UInt64) = i % 2 == 0 ? (a, 51 + UInt64(i % 29)) : (b, 51 + UInt64(i % 49))
                    group.addTask { try await submit(log, size: size, old: 50) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .accept }.count == 1, "round \(round): \(decisions)")
            // Whatever is stored above 50 is one branch, consistent with the checkpoint of 50.
            let stored = try await mirror.checkpoints().filter { $0.size > 50 }
            #expect(stored.count == 1, "round \(round)")
            for checkpoint in stored {
                let fromA = checkpoint.size <= a.size ? try a.root(checkpoint.size) : nil
                let fromB = try b.root(checkpoint.size)
                #expect(checkpoint.root == fromA || checkpoint.root == fromB)
            }
        }
    }

    @Test("a signed log that repeats a change_id is mirrored as signed, with an alarm, not a wedge", arguments: StorageBackend.allCases)
    func repeatedChangeID(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        var signed = try RawLog()
        signed.append(try TestRecords.records(0..<5) + [try TestRecords.record(2)] + TestRecords.records(5..<300))
        try await harness.hqData.administration.enroll(province: "440000", verifierKey: signed.signer.verifierKey, now: Date())
        try harness.ca.issue(.province("440000"), to: harness.directory.appending("tls-440000"))
        try await harness.withRouter { [signed] hq in
            var log = signed
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: try log.addCheckpointBody(old: 0)).status == 200)
            let upload = try await hq.request(.POST, "/v1/provinces/440000/entries?start=0&end=301", as: "440000", body: try log.uploadBody(start: 0, end: 301))
            #expect(upload.status == 200 && upload.body.hasPrefix("\u{2014} creditsync.samr/hq "), "\(upload)")
            let mirror = try await harness.mirror("440000")
            #expect(try await mirror.status().nextEntry == 301)
            #expect(try await mirror.duplicateChanges(limit: 10) == [DuplicateChange(index: 5, changeID: "c-440000-2", firstIndex: 2)])
            let alarms = try await harness.hqData.registry.alarms(province: "440000")
            #expect(alarms.contains { $0.kind == "duplicate-change" && $0.message.contains("entry 5 (c-440000-2, first at 2)") })
            #expect(try await harness.verifyMirror("440000").entries == 301)
            // And the log keeps growing through HQ.
            log.append(try TestRecords.records(300..<400))
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: try log.addCheckpointBody(old: 301)).status == 200)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/entries?start=301&end=401", as: "440000",
                                         body: try log.uploadBody(start: 301, end: 401)).status == 200)
        }
    }

    @Test("gzip: a corrupt, truncated or trailing-garbage body is a client error that keeps verified packages")
    func gzipErrors() async throws {
        let harness = try await SyncHarness()
        let ledger = try await harness.province("440000", records: 1000)
        try await harness.withHQ(commitEntries: 256) { hq in
            let checkpoint = try #require(try await ledger.store.latestCheckpoint())
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000",
                                         body: Array(AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: checkpoint.text).body.utf8)).status == 200)
            let path = "/v1/provinces/440000/entries?start=0&end=1000"
            let plain = try await RefusalTests.uploadBody(ledger, start: 0, end: 1000)
            func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
                let compressor = try GzipCompressor()
                return compressor.compress(bytes) + compressor.finish()
            }
            let header = [("Content-Encoding", "gzip")]
            // Garbage where a gzip header belongs.
            let corrupt = try await hq.request(.POST, path, as: "440000", body: [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03], headers: header)
            #expect(corrupt.status == 400 && corrupt.body.contains("sync.bad-encoding"), "\(corrupt)")
            // A stream that stops before its trailer: the packages that inflated are kept.
            let cut = try RefusalTests.offset(ofPackagesBefore: 512, in: plain)
            let compressor = try GzipCompressor()
            let truncated = compressor.flush(Array(plain[..<cut]))
            let response = try await hq.request(.POST, path, as: "440000", body: truncated, headers: header)
            #expect(response.status == 400 && response.body.contains("sync.bad-encoding") && response.body.contains("truncated")
                    && response.body.contains("\"next_entry\":512"), "\(response)")
            #expect(try await harness.mirror("440000").status().nextEntry == 512)
            // A broken CRC: the packages inflated and verified against the signed checkpoint before
            // zlib reports it are kept (the CRC adds nothing to that); the answer is a client error.
            let rest = try await RefusalTests.uploadBody(ledger, start: 512, end: 1000)
            var badCRC = try gzip(rest)
            badCRC[badCRC.count - 6] ^= 0xFF
            let crc = try await hq.request(.POST, "/v1/provinces/440000/entries?start=512&end=1000", as: "440000", body: badCRC, headers: header)
            #expect(crc.status == 400 && crc.body.contains("sync.bad-encoding"), "\(crc)")
            let kept = try JSONDecoder().decode(Problem.self, from: Data(crc.body.utf8)).nextEntry ?? 0
            #expect(kept >= 512 && kept % 256 == 0 || kept == 1000, "kept \(kept)")
            // The province completes from there.
            #expect(try await hq.sync(ledger).uploaded == 1000 - kept)
            try await harness.expectIdentical(ledger)

            // Bytes after the end of the stream, and an encoding HQ does not speak.
            let other = try await harness.province("310000", records: 300)
            let otherCheckpoint = try #require(try await other.store.latestCheckpoint())
            #expect(try await hq.request(.POST, "/v1/provinces/310000/checkpoint", as: "310000",
                                         body: Array(AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: otherCheckpoint.text).body.utf8)).status == 200)
            let otherBody = try await RefusalTests.uploadBody(other, start: 0, end: 300)
            let trailing = try await hq.request(.POST, "/v1/provinces/310000/entries?start=0&end=300", as: "310000",
                                                body: try gzip(Array(otherBody.prefix(try RefusalTests.offset(ofPackagesBefore: 256, in: otherBody)))) + [0x00],
                                                headers: header)
            #expect(trailing.status == 400 && trailing.body.contains("sync.bad-encoding") && trailing.body.contains("after the end"), "\(trailing)")
            let brotli = try await hq.request(.POST, "/v1/provinces/310000/entries?start=256&end=300", as: "310000", body: [],
                                              headers: [("Content-Encoding", "br")])
            #expect(brotli.status == 400 && brotli.body.contains("sync.bad-encoding"), "\(brotli)")
            #expect(try await hq.sync(other).uploaded == 44)
        }
    }

    @Test("a province whose gzip cannot start uploads plain, without the header")
    func compressorFailure() async throws {
        let harness = try await SyncHarness()
        let ledger = try await harness.province("440000", records: 500)
        try await harness.withHQ { hq in
            var client = SyncClient(configuration: try harness.syncConfiguration("440000", port: hq.port, gzip: true))
            client.makeGzip = { throw GzipError(description: "zlib deflateInit2 failed (injected)") }
            #expect(try await client.sync(ledger.store).size == 500)
            try await harness.expectIdentical(ledger)
        }
    }

    @Test("metrics and health live on the operator listener only")
    func operatorListener() async throws {
        let harness = try await SyncHarness()
        _ = try await harness.province("440000", records: 1)
        try await harness.withHQ { hq in
            #expect(try await hq.request(.GET, "/metrics", as: "440000").status == 404)
            #expect(try await hq.request(.GET, "/healthz", as: "440000").status == 404)
            let health = try await hq.operatorRequest("/healthz")
            #expect(health.status == 200 && health.body == "ok\n")
            #expect(try await hq.operatorRequest("/metrics").status == 200)
        }
    }

    @Test("a second HQ on a host whose operator address is taken is refused, naming the setting")
    func operatorAddressInUse() async throws {
        let harness = try await SyncHarness()
        _ = try await harness.province("440000", records: 1)
        try await harness.withHQ { hq in
            let address = "127.0.0.1:\(hq.operatorPort)"
            let second = HQService(configuration: try harness.hqConfiguration(edit: { $0.operatorListen = address }),
                                   data: harness.hqData, logger: Logger(label: "creditsync.hq.second"))
            let group = try HQServer.serviceGroup(service: second, logger: Logger(label: "creditsync.hq.second"), signals: [])
            let error = await #expect(throws: HQError.self) { try await group.run() }
            #expect(error?.code == "hq.configuration")
            #expect(error?.message == "operator_listen \(address) is already in use: another process (another `hq serve` on this host?) listens there")
            #expect(error?.hint.contains("--operator-listen HOST:PORT") == true)
            // The first HQ still serves.
            #expect(try await hq.operatorRequest("/healthz").status == 200)
        }
    }

    @Test("refused requests are recorded up to a budget, the rest only counted")
    func refusalBudget() async throws {
        let harness = try await SyncHarness()
        _ = try await harness.province("440000", records: 1)
        _ = try await harness.province("310000", records: 1)
        // A fixed clock: all twelve refusals fall in one minute, however slow the machine.
        let minute = Date(timeIntervalSince1970: 1_790_000_040)
        try await harness.withRouter(configure: { $0.refusalEventsPerMinute = 3 }, now: { minute }) { hq in
            for _ in 0..<12 {
                #expect(try await hq.request(.GET, "/v1/provinces/310000", as: "440000").status == 403)
            }
            let refusals = try await harness.hqData.registry.events(province: "440000", limit: 100).filter { $0.kind == .refusal }
            #expect(refusals.count == 3)
            let metrics = try await hq.operatorRequest("/metrics").body
            #expect(metrics.contains(#"creditsync_hq_refusals_unrecorded_total{province="440000"} 9"#), "\(metrics)")
        }
    }

    @Test("certificates that name no province, two provinces, or a malformed one are refused, saying which")
    func certificateShapes() async throws {
        let harness = try await SyncHarness()
        _ = try await harness.province("440000", records: 1)
        let shapes: [(String, [String], String)] = [
            ("none", [], "names no province"),
            ("two", ["creditsync:province:440000", "creditsync:province:310000"], "names 2 provinces"),
            ("malformed", ["creditsync:province:44000"], "is not creditsync:province: followed by a six-digit code"),
            ("letters", ["creditsync:province:44000A"], "is not creditsync:province: followed by a six-digit code"),
        ]
        for (name, uris, _) in shapes {
            try harness.ca.issue(.client(commonName: name, uris: uris), to: harness.directory.appending("tls-\(name)"))
        }
        try await harness.withRouter { hq in
            for (name, _, message) in shapes {
                let response = try await hq.request(.GET, "/v1/provinces/440000", as: name)
                #expect(response.status == 403 && response.body.contains(message), "\(name): \(response)")
            }
            let metrics = try await hq.operatorRequest("/metrics").body
            #expect(metrics.contains(#"creditsync_hq_requests_total{province="unidentified",endpoint="forbidden",status="403"} 4"#), "\(metrics)")
        }
    }

    @Test("a revoked certificate is refused at its next request; a revoked log key signs nothing new", arguments: StorageBackend.allCases)
    func revocation(backend: StorageBackend) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 10)
        try await harness.withHQ { hq in
            #expect(try await hq.sync(ledger).size == 10)
            let certificate = try Certificate(pemEncoded: String(contentsOf: harness.directory.appending("tls-440000/cert.pem"), encoding: .utf8))
            let serial = ProvinceIdentity.serial(of: certificate)
            let revoked = try await harness.hqData.administration.revoke(serial: serial.uppercased(), key: nil, province: "440000", reason: "key leaked", now: Date())
            #expect(revoked.kind == .certificate && revoked.value == serial)
            let refused = try await hq.request(.GET, "/v1/provinces/440000", as: "440000")
            #expect(refused.status == 403 && refused.body.contains("hq.revoked"), "\(refused)")
            try await harness.append(ledger, 10..<20)
            await #expect { try await hq.sync(ledger) } throws: { ($0 as? ProvinceNodeError)?.codeValue == .refused && "\($0)".contains("revoked") }
            let status = try await HQStatus.gather(harness.hqData, now: Date())
            #expect(status.revocations.map(\.value) == [serial])

            // The province's log key: a new certificate does not help while its key is revoked.
            try harness.ca.issue(.province("440000"), to: harness.directory.appending("tls-440000-new"))
            _ = try await harness.hqData.administration.revoke(serial: nil, key: ledger.signer.verifierKey, province: "440000", reason: "log key leaked", now: Date())
            let checkpoint = try #require(try await ledger.store.latestCheckpoint())
            let proof = try await ledger.store.consistencyProof(from: 10, to: 20)
            let response = try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000-new",
                                                body: Array(AddCheckpointRequest(oldSize: 10, proof: proof.hashes, checkpoint: checkpoint.text).body.utf8))
            #expect(response.status == 403 && response.body.contains("hq.revoked"), "\(response)")

            // A revoked key cosigns no feed either, although it is still the enrolled one.
            let delivery = try await hq.request(.GET, FeedAPI.feedPath("440000") + "?from=0", as: "440000-new")
            #expect(delivery.status == 200)
            let header = try JSONDecoder().decode(FeedDeliveryHeader.self, from: Data(delivery.body.prefix { $0 != "\n" }.utf8))
            let feedCheckpoint = try UnverifiedCheckpoint(parsing: header.checkpoint).checkpoint
            let cosignature = try LogKeyCosigning.cosign(feedCheckpoint, time: 1_764_547_200, with: ledger.signer)
            let feedRefusal = try await hq.request(.POST, FeedAPI.cosignaturePath("440000"), as: "440000-new",
                                                   body: Array(try JSONEncoder().encode(FeedCosignature(size: header.size, cosignature: cosignature.line))))
            #expect(feedRefusal.status == 403 && feedRefusal.body.contains("hq.revoked"), "\(feedRefusal)")
            let enrolment = try #require(try await harness.hqData.registry.enrolment(province: "440000"))
            #expect(try await harness.hqData.feed(of: enrolment).cosignatures().isEmpty)
        }
    }

    enum Revoked: String, CaseIterable, Sendable { case certificate, logKey }

    @Test("a revocation stops an upload in progress: nothing sent after it is stored, and no receipt follows",
          arguments: StorageBackend.allCases, Revoked.allCases)
    func revocationDuringUpload(backend: StorageBackend, revoked: Revoked) async throws {
        let harness = try await SyncHarness(backend: backend)
        let ledger = try await harness.province("440000", records: 1000)
        try await harness.withHQ(commitEntries: 256) { hq in
            let checkpoint = try #require(try await ledger.store.latestCheckpoint())
            let submission = AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: checkpoint.text)
            #expect(try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000", body: Array(submission.body.utf8)).status == 200)
            // The first package, committed before the revocation.
            let body = try await RefusalTests.uploadBody(ledger, start: 0, end: 1000)
            let cut = try RefusalTests.offset(ofPackagesBefore: 256, in: body)
            let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
            continuation.yield(ByteBuffer(bytes: body[..<cut]))
            let upload = Task { try await hq.streamingRequest("/v1/provinces/440000/entries?start=0&end=1000", as: "440000", body: stream) }
            let mirror = try await harness.mirror("440000")
            while try await mirror.status().nextEntry < 256 { try await Task.sleep(for: .milliseconds(20)) }

            switch revoked {
            case .certificate:
                let certificate = try Certificate(pemEncoded: String(contentsOf: harness.directory.appending("tls-440000/cert.pem"), encoding: .utf8))
                _ = try await harness.hqData.administration.revoke(serial: ProvinceIdentity.serial(of: certificate), key: nil, province: "440000",
                                                                   reason: "key leaked", now: Date())
            case .logKey:
                _ = try await harness.hqData.administration.revoke(serial: nil, key: ledger.signer.verifierKey, province: "440000",
                                                                   reason: "log key leaked", now: Date())
            }
            continuation.yield(ByteBuffer(bytes: body[cut...]))
            continuation.finish()
            let response = try await upload.value
            #expect(response.status == 403 && response.body.contains("hq.revoked") && response.body.contains("during the upload"), "\(response)")
            #expect(try await mirror.status().nextEntry == 256)
            #expect(try await mirror.receipts(size: nil).isEmpty)
            let refusals = try await harness.hqData.registry.events(province: "440000", limit: 20).filter { $0.kind == .upload && $0.outcome == "failed" }
            #expect(refusals.count == 1 && refusals.first?.detail?.contains("revoked") == true)
        }
    }

    @Test("a province rotates its log key: HQ enrols the new key from the checkpoint both keys sign; old checkpoints still verify",
          arguments: StorageBackend.allCases, SuiteID.allCases)
    func keyRotation(backend: StorageBackend, suite: SuiteID) async throws {
        let harness = try await SyncHarness(backend: backend)
        let original = try await harness.province("440000", suite: suite, records: 300)
        try await harness.withHQ { hq in
            #expect(try await hq.sync(original).size == 300)
            let oldSigner = original.signer
            let (ledger, rotation) = try await original.rotateKey(now: Date())
            #expect(rotation.size == 300 && rotation.note.signatures.count == 2)
            // The ledger reopens with the new key; the old one is retired, not lost.
            let reopened = try await ProvinceLedger.open(directory: ledger.directory)
            #expect(reopened.signer.verifierKey == ledger.signer.verifierKey && ledger.signer.verifierKey != oldSigner.verifierKey)
            try await harness.append(reopened, 300..<400)
            // HQ does not know the new key yet.
            await #expect { try await hq.sync(reopened) } throws: { "\($0)".contains("hq.signature-invalid") }
            // The rotation checkpoint must carry both signatures: the new key alone is refused.
            let onlyNew = try VerifiedCheckpoint.sign(rotation.checkpoint, with: reopened.signer)
            await #expect { try await harness.hqData.administration.rotateKey(province: "440000", verifierKey: reopened.signer.verifierKey,
                                                                rotationCheckpoint: onlyNew.text, now: Date()) } throws: { "\($0)".contains("not signed by both") }
            let enrolment = try await harness.hqData.administration.rotateKey(province: "440000", verifierKey: reopened.signer.verifierKey,
                                                               rotationCheckpoint: rotation.text, now: Date())
            #expect(enrolment.keys.map(\.fromSize) == [0, 300])
            #expect(try await hq.sync(reopened).size == 400)
            try await harness.expectIdentical(reopened)
            #expect(try await reopened.store.verify().entries == 400)
            // A checkpoint beyond the rotation signed by the old key is refused.
            let stale = try VerifiedCheckpoint.sign(Checkpoint(origin: reopened.store.metadata.origin, size: 500,
                                                               root: rotation.root, suite: suite), with: oldSigner)
            let response = try await hq.request(.POST, "/v1/provinces/440000/checkpoint", as: "440000",
                                                body: Array(AddCheckpointRequest(oldSize: 400, proof: [], checkpoint: stale.text).body.utf8))
            #expect(response.status == 403 && response.body.contains("hq.signature-invalid"), "\(response)")
        }
    }
}
