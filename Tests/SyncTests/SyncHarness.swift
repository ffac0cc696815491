import AsyncHTTPClient
import Foundation
import HQNode
import LedgerCore
import LedgerStore
import Logging
import NationalCrypto
import NIOCore
import NIOHTTP1
import NIOSSL
import PKI
import ProvinceNode
import ServiceLifecycle
import Synchronization
import SyncProtocol
import TestSupport

/// A CA, HQ with its data directory and certificate, and province ledgers with certificates:
/// everything a sync test needs, in one temporary directory, on 127.0.0.1.
final class SyncHarness: Sendable {
    let directory: TemporaryDirectory
    let ca: CertificateAuthority
    let hqData: HQDataDirectory
    let logs = CapturedLogs()

    init() throws {
        directory = try TemporaryDirectory("creditsync-sync")
        ca = try CertificateAuthority.create(in: directory.appending("ca"))
        try ca.issue(.hq(["127.0.0.1", "localhost"]), to: directory.appending("hq-tls"))
        hqData = try HQDataDirectory.initialize(at: directory.appending("hq"))
    }

    var hqKey: String { hqData.cosigner.verifierKey }

    /// A province ledger with `records` entries, a client certificate, and (optionally) enrolled at HQ.
    func province(_ code: String, suite: SuiteID = .sha256Ed25519, records: Int = 0, enroll: Bool = true) async throws -> ProvinceLedger {
        let ledger = try ProvinceLedger.initialize(directory: directory.appending("province-\(code)"), province: try ProvinceCode(code),
                                                   origin: nil, suite: Suites.named(suite), now: Date())
        try ca.issue(.province(code), to: directory.appending("tls-\(code)"))
        if records > 0 { try await append(ledger, 0..<records) }
        if enroll { try hqData.enroll(province: code, verifierKey: ledger.signer.verifierKey, now: Date()) }
        return ledger
    }

    func append(_ ledger: ProvinceLedger, _ range: Range<Int>) async throws {
        try await ledger.store.append(try TestRecords.records(range, province: ledger.province), signer: ledger.signer, now: Date())
    }

    func syncConfiguration(_ code: String, port: Int, gzip: Bool = true, tlsDirectory: String? = nil) throws -> SyncConfiguration {
        let tls = directory.appending(tlsDirectory ?? "tls-\(code)").path
        var flags = SyncConfiguration.File()
        flags.hqURL = "https://127.0.0.1:\(port)"
        flags.cert = tls + "/cert.pem"
        flags.key = tls + "/key.pem"
        flags.ca = directory.appending("ca/ca.pem").path
        flags.hqKey = hqKey
        flags.gzip = gzip
        flags.retries = 8
        return try SyncConfiguration(file: .init(), flags: flags)
    }

    func hqConfiguration(commitEntries: Int = 4096) throws -> HQConfiguration {
        var flags = HQConfiguration.File()
        flags.data = directory.appending("hq").path
        flags.listen = "127.0.0.1:0"
        flags.cert = directory.appending("hq-tls/cert.pem").path
        flags.key = directory.appending("hq-tls/key.pem").path
        flags.ca = directory.appending("ca/ca.pem").path
        flags.commitEntries = commitEntries
        return try HQConfiguration(file: .init(), flags: flags)
    }

    /// Runs HQ for the duration of `body`, then shuts it down gracefully.
    func withHQ<T: Sendable>(commitEntries: Int = 4096, _ body: (RunningHQ) async throws -> T) async throws -> T {
        let logger = Logger(label: "creditsync.hq.test") { _ in CapturingLogHandler(logs: self.logs) }
        let service = try HQService(configuration: try hqConfiguration(commitEntries: commitEntries), logger: logger)
        let port = Mutex<Int?>(nil)
        let group = try HQServer.serviceGroup(service: service, logger: logger, signals: []) { channel in
            port.withLock { $0 = channel.localAddress?.port }
        }
        let running = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(30)
        while port.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else { throw VectorError("HQ did not start") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let hq = RunningHQ(port: port.withLock { $0! }, service: service, group: group, harness: self)
        do {
            let result = try await body(hq)
            await group.triggerGracefulShutdown()
            try await running.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await running.value
            throw error
        }
    }
}

struct RunningHQ: Sendable {
    let port: Int
    let service: HQService
    let group: ServiceGroup
    let harness: SyncHarness

    func sync(_ ledger: ProvinceLedger, gzip: Bool = true, interruptAfterBytes: Int? = nil) async throws -> SyncClient.Summary {
        var client = SyncClient(configuration: try harness.syncConfiguration(ledger.province, port: port, gzip: gzip))
        client.interruptFirstUploadAfterBytes = interruptAfterBytes
        return try await client.sync(ledger.store)
    }

    func mirror(_ province: String) throws -> LedgerStore {
        try harness.hqData.openMirror(province: province)
    }

    /// A raw HTTPS request with province `tls`'s certificate (for the refusal tests).
    func request(_ method: HTTPMethod, _ path: String, as tls: String, body: [UInt8]? = nil, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        let configuration = try harness.syncConfiguration(tls, port: port, tlsDirectory: "tls-\(tls)")
        let client = try SyncClient(configuration: configuration).makeClientForTests()
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: data))
    }
}

/// Log messages captured for assertions ("refused, logged").
final class CapturedLogs: Sendable {
    private let messages = Mutex<[(Logger.Level, String)]>([])
    func append(_ level: Logger.Level, _ message: String) { messages.withLock { $0.append((level, message)) } }
    func contains(_ level: Logger.Level, _ text: String) -> Bool {
        messages.withLock { $0.contains { $0.0 == level && $0.1.contains(text) } }
    }
}

struct CapturingLogHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        for (key, value) in event.metadata ?? [:] { all[key] = value }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logs.append(event.level, "\(event.message) \(rendered)")
    }
}
