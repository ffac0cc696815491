import AsyncHTTPClient
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
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
import Testing
import TestSupport

/// A CA, HQ with its data directory and certificate, and province ledgers with certificates:
/// everything a sync test needs, in one temporary directory, on 127.0.0.1.
final class SyncHarness: Sendable {
    let directory: TemporaryDirectory
    let ca: CertificateAuthority
    let backend: StorageBackend
    /// HQ's storage: a data directory, or a database of its own on the test cluster.
    let location: HQData.Location
    let hqData: HQData
    let logs = CapturedLogs()

    init(backend: StorageBackend = .sqlite) async throws {
        directory = try TemporaryDirectory("creditsync-sync")
        ca = try CertificateAuthority.create(in: directory.appending("ca"))
        try ca.issue(.hq(["127.0.0.1", "localhost"]), to: directory.appending("hq-tls"))
        self.backend = backend
        location = switch backend {
        case .sqlite: .directory(directory.appending("hq"))
        case .postgres: .database(try await TestPostgres.database())
        }
        hqData = try await HQData.initialize(location, keys: directory.appending("hq-keys"))
    }

    var hqKey: String { hqData.keys.cosigner.verifierKey }

    /// A province ledger with `records` entries, a client certificate, and (optionally) enrolled at HQ.
    func province(_ code: String, suite: SuiteID = .sha256Ed25519, records: Int = 0, enroll: Bool = true) async throws -> ProvinceLedger {
        let ledger = try ProvinceLedger.initialize(directory: directory.appending("province-\(code)"), province: try ProvinceCode(code),
                                                   origin: nil, suite: Suites.named(suite), now: Date())
        try ca.issue(.province(code), to: directory.appending("tls-\(code)"))
        if records > 0 { try await append(ledger, 0..<records) }
        if enroll { try await hqData.administration.enroll(province: code, verifierKey: ledger.signer.verifierKey, now: Date()) }
        return ledger
    }

    func append(_ ledger: ProvinceLedger, _ range: Range<Int>) async throws {
        try await ledger.store.append(try TestRecords.records(range, province: ledger.province), signer: ledger.signer, now: Date())
    }

    /// The mirror of `province` in HQ's storage.
    func mirror(_ province: String) async throws -> any MirrorStore {
        try await hqData.storage.mirror(province: province)
    }

    /// `fsck` of a mirror with its enrolment's keys.
    func verifyMirror(_ province: String) async throws -> LogVerifier.Report {
        let mirror = try await mirror(province)
        let enrolment = try #require(try await hqData.registry.enrolment(province: province))
        return try await mirror.verify(keys: try enrolment.keyHistory(suite: mirror.suite))
    }

    /// The mirror holds exactly the province's log: same entries, same signed checkpoint, verifies.
    func expectIdentical(_ ledger: ProvinceLedger, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let mirror = try await mirror(ledger.province)
        let size = try await ledger.store.size()
        let status = try await mirror.status()
        #expect(status.nextEntry == size, sourceLocation: sourceLocation)
        #expect(try await mirror.entries(from: 0, to: size) == ledger.store.entries(from: 0, to: size), sourceLocation: sourceLocation)
        #expect(try await status.complete?.note == ledger.store.latestCheckpoint()?.text, sourceLocation: sourceLocation)
        #expect(try await verifyMirror(ledger.province).entries == size, sourceLocation: sourceLocation)
    }

    func syncConfiguration(_ code: String, port: Int, gzip: Bool = true, tlsDirectory: String? = nil, suite: SuiteID = .sha256Ed25519) throws -> SyncConfiguration {
        let tls = directory.appending(tlsDirectory ?? "tls-\(code)").path
        var flags = SyncConfiguration.File()
        flags.hqURL = "https://127.0.0.1:\(port)"
        flags.cert = tls + "/cert.pem"
        flags.key = tls + "/key.pem"
        flags.ca = directory.appending("ca/ca.pem").path
        flags.hqKey = hqData.keys.cosignerKey(for: suite)
        flags.gzip = gzip
        flags.retries = 8
        return try SyncConfiguration(file: .init(), flags: flags)
    }

    func hqConfiguration(commitEntries: Int = 4096, edit: (inout HQConfiguration.File) -> Void = { _ in }) throws -> HQConfiguration {
        var flags = HQConfiguration.File()
        switch location {
        case .directory(let url): flags.data = url.path
        case .database(let url): flags.databaseURL = url
        }
        flags.keys = directory.appending("hq-keys").path
        flags.listen = "127.0.0.1:0"
        flags.operatorListen = "127.0.0.1:0"
        flags.cert = directory.appending("hq-tls/cert.pem").path
        flags.key = directory.appending("hq-tls/key.pem").path
        flags.ca = directory.appending("ca/ca.pem").path
        flags.commitEntries = commitEntries
        edit(&flags)
        return try HQConfiguration(file: .init(), flags: flags)
    }

    /// Runs HQ for the duration of `body`, then shuts it down gracefully.
    func withHQ<T: Sendable>(commitEntries: Int = 4096, configure: (inout HQConfiguration.File) -> Void = { _ in },
                             now: @escaping @Sendable () -> Date = Date.init, logLevel: Logger.Level = .info,
                             _ body: (RunningHQ) async throws -> T) async throws -> T {
        let logger = Logger(label: "creditsync.hq.test") { _ in
            var handler = CapturingLogHandler(logs: self.logs)
            handler.logLevel = logLevel
            return handler
        }
        let service = HQService(configuration: try hqConfiguration(commitEntries: commitEntries, edit: configure), data: hqData, logger: logger, now: now)
        let ports = Mutex<(province: Int?, operator: Int?)>((nil, nil))
        // Woken when both listeners run, or when the group ends without them: no clock, so a
        // loaded machine only makes the start slower, never a failure.
        let (started, wake) = AsyncStream<Void>.makeStream()
        let group = try HQServer.serviceGroup(service: service, logger: logger, signals: [], onServerRunning: { channel in
            if ports.withLock({ $0.province = channel.localAddress?.port; return $0.operator != nil }) { wake.yield() }
        }, onOperatorRunning: { channel in
            if ports.withLock({ $0.operator = channel.localAddress?.port; return $0.province != nil }) { wake.yield() }
        })
        let running = Task {
            defer { wake.finish() }
            try await group.run()
        }
        var waiting = started.makeAsyncIterator()
        await waiting.next()
        guard ports.withLock({ $0.province != nil && $0.operator != nil }) else {
            try await running.value
            throw VectorError("HQ stopped before it listened")
        }
        let (port, operatorPort) = ports.withLock { ($0.province!, $0.operator!) }
        let hq = RunningHQ(port: port, operatorPort: operatorPort, service: service, group: group, harness: self)
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
    let operatorPort: Int
    let service: HQService
    let group: ServiceGroup
    let harness: SyncHarness

    func sync(_ ledger: ProvinceLedger, gzip: Bool = true, interruptAfterBytes: Int? = nil) async throws -> SyncClient.Summary {
        var client = SyncClient(configuration: try harness.syncConfiguration(ledger.province, port: port, gzip: gzip, suite: ledger.suite.id))
        client.interruptFirstUploadAfterBytes = interruptAfterBytes
        return try await client.sync(ledger.store)
    }

    func mirror(_ province: String) async throws -> any MirrorStore {
        try await harness.mirror(province)
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

    /// A plain HTTP GET on the operator listener.
    func operatorRequest(_ path: String) async throws -> (status: Int, body: String) {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(operatorPort)\(path)"), timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 4 << 20)
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

    /// The messages of `level` containing `text`, in the order they were logged.
    func matching(_ level: Logger.Level, _ text: String) -> [String] {
        messages.withLock { $0.filter { $0.0 == level && $0.1.contains(text) }.map(\.1) }
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

extension RunningHQ {
    /// A request whose body is `body`, sent as it is produced (for uploads held open by a test).
    func streamingRequest(_ path: String, as tls: String, body: AsyncStream<ByteBuffer>) async throws -> (status: Int, body: String) {
        let configuration = try harness.syncConfiguration(tls, port: port, tlsDirectory: "tls-\(tls)")
        let client = try SyncClient(configuration: configuration).makeClientForTests()
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.body = .stream(body, length: .unknown)
        let response = try await client.execute(request, timeout: .seconds(120))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: data))
    }
}
