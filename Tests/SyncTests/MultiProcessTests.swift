import AsyncHTTPClient
import Foundation
import HQNode
import HQStorage
import LedgerCore
import LedgerStore
import NIOCore
import NIOHTTP1
import NIOSSL
import PKI
import ProvinceNode
import Spawning
import SyncProtocol
import Testing
import TestSupport

/// Several `hq serve` processes on one PostgreSQL database (issue "HQ at national scale"): any
/// process serves any province, the database serializes what must be, and a killed process
/// loses nothing verified and leaves no lock behind.
@Suite("Several HQ processes on one database")
struct MultiProcessTests {
    /// An `hq serve` process of the built binary, on a free port.
    final class ServeProcess: Sendable {
        let process: RunningProcess
        let port: Int
        let log: URL

        init(database: String, keys: String, harness: SyncHarness, name: String) async throws {
            log = harness.directory.appending("\(name).log")
            guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw VectorError("cannot create \(log.path)") }
            let process = try await CLI.start(["hq", "serve", "--database-url", database, "--keys", keys, "--listen", "127.0.0.1:0", "--operator-listen", "",
                                               "--cert", harness.directory.appending("hq-tls/cert.pem").path, "--key", harness.directory.appending("hq-tls/key.pem").path,
                                               "--ca", harness.directory.appending("ca/ca.pem").path, "--commit-entries", "256", "--log-level", "notice"], log: log)
            self.process = process
            var found: Int?
            for _ in 0..<600 where found == nil {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.contains("HQ listening for provinces") }),
                   let match = line.firstMatch(of: /:(\d+) \[/) {
                    found = Int(match.1)
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            guard let found else {
                _ = try? await process.stop()
                throw VectorError("hq serve \(name) did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            port = found
        }

        func stop() async {
            _ = try? await process.stop()
        }

        func kill() async {
            process.signal(SIGKILL)
            _ = try? await process.wait()
        }
    }

    func sync(_ harness: SyncHarness, _ ledger: ProvinceLedger, port: Int) async throws -> SyncClient.Summary {
        try await SyncClient(configuration: try harness.syncConfiguration(ledger.province, port: port, suite: ledger.suite.id)).sync(ledger.store)
    }

    @Test("two HQ processes take concurrent syncs from many provinces; every mirror equals its ledger")
    func twoProcesses() async throws {
        let harness = try await SyncHarness(backend: .postgres)
        guard case .database(let database) = harness.location else { return }
        let codes = ["110000", "310000", "440000", "510000", "650000", "660000"]
        var ledgers: [ProvinceLedger] = []
        for (offset, code) in codes.enumerated() {
            ledgers.append(try await harness.province(code, suite: offset % 3 == 2 ? .sm3SM2 : .sha256Ed25519, records: 1500 + 300 * offset))
        }
        let keys = harness.directory.appending("hq-keys").path
        let a = try await ServeProcess(database: database, keys: keys, harness: harness, name: "hq-a")
        let b = try await ServeProcess(database: database, keys: keys, harness: harness, name: "hq-b")
        do {
            // Round one: each province through one process, all at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (offset, ledger) in ledgers.enumerated() {
                    let port = offset % 2 == 0 ? a.port : b.port
                    group.addTask { _ = try await sync(harness, ledger, port: port) }
                }
                try await group.waitForAll()
            }
            // Round two: more records, and each province through both processes at once (one
            // upload at a time per province: the other waits on 409 and resumes).
            for (offset, ledger) in ledgers.enumerated() { try await harness.append(ledger, 10_000..<(10_700 + 100 * offset)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for ledger in ledgers {
                    group.addTask { _ = try await sync(harness, ledger, port: a.port) }
                    group.addTask { _ = try await sync(harness, ledger, port: b.port) }
                }
                try await group.waitForAll()
            }
            for ledger in ledgers { try await harness.expectIdentical(ledger) }
            let status = try await HQStatus.gather(harness.hqData, now: Date())
            #expect(status.provinces.map(\.province) == codes.sorted())
            #expect(status.provinces.allSatisfy { $0.alarms == 0 && $0.receipts >= 2 })
        } catch {
            await a.stop()
            await b.stop()
            throw error
        }
        await a.stop()
        await b.stop()
    }

    @Test("an HQ process killed mid-upload loses nothing verified and leaves no lock: the other takes the sync to the end")
    func killedMidUpload() async throws {
        let harness = try await SyncHarness(backend: .postgres)
        guard case .database(let database) = harness.location else { return }
        let ledger = try await harness.province("440000", records: 3000)
        let keys = harness.directory.appending("hq-keys").path
        let a = try await ServeProcess(database: database, keys: keys, harness: harness, name: "hq-a")
        let b = try await ServeProcess(database: database, keys: keys, harness: harness, name: "hq-b")
        let checkpoint = try #require(try await ledger.store.latestCheckpoint())
        let configuration = try harness.syncConfiguration("440000", port: a.port)
        let client = try SyncClient(configuration: configuration).makeClientForTests()
        var submit = HTTPClientRequest(url: "https://127.0.0.1:\(a.port)/v1/provinces/440000/checkpoint")
        submit.method = .POST
        submit.body = .bytes(ByteBuffer(string: AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: checkpoint.text).body))
        #expect(try await client.execute(submit, timeout: .seconds(60)).status == .ok)
        // An upload to A whose body we hold open after 1,024 entries.
        let body = try await RefusalTests.uploadBody(ledger, start: 0, end: 3000)
        let cut = try RefusalTests.offset(ofPackagesBefore: 1024, in: body)
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        continuation.yield(ByteBuffer(bytes: body[..<cut]))
        var upload = HTTPClientRequest(url: "https://127.0.0.1:\(a.port)/v1/provinces/440000/entries?start=0&end=3000")
        upload.method = .POST
        upload.body = .stream(stream, length: .unknown)
        let held = Task { try await client.execute(upload, timeout: .seconds(120)) }
        let mirror = try await harness.mirror("440000")
        let deadline = ContinuousClock.now + .seconds(60)
        while try await mirror.status().nextEntry < 1024 {
            guard ContinuousClock.now < deadline else { throw VectorError("HQ A did not commit 1,024 entries within a minute") }
            try await Task.sleep(for: .milliseconds(10))
        }
        // A holds the province's upload lease now; B refuses a second upload meanwhile.
        var second = HTTPClientRequest(url: "https://127.0.0.1:\(b.port)/v1/provinces/440000/entries?start=1024&end=3000")
        second.method = .POST
        second.body = .bytes(ByteBuffer())
        let refused = try await client.execute(second, timeout: .seconds(60))
        let problem = try await refused.body.collect(upTo: 1 << 16)
        #expect(refused.status == .conflict && String(buffer: problem).contains("hq.upload-in-progress"), "\(String(buffer: problem))")
        await a.kill()
        continuation.finish()
        _ = await held.result
        try? await client.shutdown()
        #expect(try await mirror.status().nextEntry == 1024, "everything A verified is kept")
        // The lease died with A's connection: B takes the sync to the end.
        let summary = try await sync(harness, ledger, port: b.port)
        #expect(summary.uploaded == 3000 - 1024)
        try await harness.expectIdentical(ledger)
        await b.stop()
    }
}
