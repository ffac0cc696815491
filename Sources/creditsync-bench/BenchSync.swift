import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import LedgerStore
import LocalPostgres
import NIOSSL
import NationalCrypto
import PKI
import ProvinceNode
import Spawning
import Synchronization

struct BenchSync: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "First and incremental sync over loopback mTLS, beside a raw TLS copy and a raw SQLite insert (or psql \\copy) of the same bytes."
    )

    @Option(help: "HQ's storage: sqlite (a data directory) or postgres (a throwaway cluster started here, durable settings).")
    var backend: String = "sqlite"

    @Option(help: "Records in the first sync.")
    var records: Int = 1_000_000

    @Option(help: "Records in the incremental sync.")
    var increment: Int = 1_000

    @Option(help: "Suite: sha256-ed25519 or sm3-sm2.")
    var suite: String = SuiteID.sha256Ed25519.rawValue

    @Option(help: "Compress uploads with gzip (true/false).")
    var gzip: Bool = false

    @Option(help: "Runs of the first sync (each onto a fresh HQ) and its baselines; medians are reported.")
    var runs: Int = 3

    @Option(help: "Incremental syncs measured; medians are reported.")
    var increments: Int = 5

    func execute() async throws {
        let suite = Suites.named(try SuiteID(parsing: suite))
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bench-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        guard ["sqlite", "postgres"].contains(backend) else { throw ValidationError("--backend is sqlite or postgres") }
        Output.line("bench sync: \(records) records first, then \(increment); suite \(suite.id.rawValue), gzip \(gzip), backend \(backend)")
        Output.line("machine: \(Bench.machine())")
        let cluster = backend == "postgres" ? try LocalPostgresCluster(durability: .durable) : nil
        defer { cluster?.stop() }

        // PKI, the province ledger.
        let ca = try CertificateAuthority.create(in: root.appendingPathComponent("ca"))
        try ca.issue(.hq(["127.0.0.1"]), to: root.appendingPathComponent("hq-tls"))
        try ca.issue(.province("440000"), to: root.appendingPathComponent("gd-tls"))
        let input = root.appendingPathComponent("records.ndjson")
        try Bench.writeRecords(count: records + increment * (increments + 1), province: "440000", seed: 5, to: input)
        let firstInput = root.appendingPathComponent("first.ndjson")
        try head(input, lines: records, to: firstInput)
        let ledger = try ProvinceLedger.initialize(directory: root.appendingPathComponent("gd"), province: try ProvinceCode("440000"),
                                                   origin: nil, suite: suite, now: Date())
        _ = try await Ingestor(ledger: ledger).ingest([.init(name: "first", path: firstInput.path)], onRejection: { _ in })

        let tls = root.appendingPathComponent("gd-tls")
        let serverTLS = try HQServer.tlsConfiguration(try hqConfiguration(root, data: root.appendingPathComponent("hq-0"), port: 0))
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        clientTLS.minimumTLSVersion = .tlsv13
        clientTLS.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.appendingPathComponent("cert.pem").path).map { .certificate($0) }
        clientTLS.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.appendingPathComponent("key.pem").path, format: .pem))
        clientTLS.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root.appendingPathComponent("ca/ca.pem").path))

        // First sync onto a fresh HQ, `runs` times, with both baselines measured in each run.
        var tlsTimes: [Double] = []
        var sqliteTimes: [Double] = []
        var copyTimes: [Double] = []
        var databaseBytes: [Double] = []
        var firstTimes: [Double] = []
        var earlyRSS: [Double] = []
        var peakRSS: [Double] = []
        var hq: HQProcess?
        var hqData: HQData?
        for run in 0..<runs {
            await hq?.stop()
            let directory = root.appendingPathComponent("hq-\(run)")
            let location: HQData.Location
            let storageArguments: [String]
            let keys = root.appendingPathComponent("hq-keys-\(run)")
            if let cluster {
                let url = try cluster.createDatabase("bench_\(run)")
                location = .database(url)
                storageArguments = ["--database", url, "--keys", keys.path]
            } else {
                location = .directory(directory)
                storageArguments = ["--data", directory.path, "--keys", keys.path]
            }
            let data = try await HQData.initialize(location, keys: keys)
            try await data.administration.enroll(province: "440000", verifierKey: ledger.signer.verifierKey, now: Date())
            let process = try await HQProcess.start(root: root, storage: storageArguments, log: root.appendingPathComponent("hq-\(run).log"))
            let sampler = ProcessMemorySampler(pid: process.pid)
            let configuration = try syncConfiguration(root, port: process.port, hqKey: data.keys.cosignerKey(for: suite.id))
            let (first, seconds) = try await Bench.time {
                try await SyncClient(configuration: configuration).sync(ledger.store) { progress in
                    if case .uploading(let sent, _) = progress { sampler.sample(at: sent, of: UInt64(records)) }
                }
            }
            guard first.size == UInt64(records) else { throw ValidationError("HQ holds \(first.size) of \(records)") }
            firstTimes.append(seconds)
            earlyRSS.append(sampler.early)
            peakRSS.append(sampler.peak)
            tlsTimes.append(try await RawTLSCopy.seconds(file: firstInput, server: serverTLS, client: clientTLS))
            sqliteTimes.append(try Bench.rawSQLiteInsert(firstInput, batchSize: 4096, in: root))
            if let cluster {
                copyTimes.append(try await RawPostgresCopy.seconds(url: try cluster.createDatabase("raw_\(run)"), file: firstInput))
                databaseBytes.append(Double(try cluster.databaseSize("bench_\(run)")))
                Output.line(String(format: "  run %d: first sync %.2fs, raw TLS copy %.2fs, raw SQLite insert %.2fs, psql \\copy %.2fs",
                                   run + 1, seconds, tlsTimes.last!, sqliteTimes.last!, copyTimes.last!))
            } else {
                Output.line(String(format: "  run %d: first sync %.2fs, raw TLS copy %.2fs, raw SQLite insert %.2fs", run + 1, seconds, tlsTimes.last!, sqliteTimes.last!))
            }
            hq = process
            hqData = data
        }
        guard let hq, let hqData else { throw ValidationError("--runs must be at least 1") }
        // Stopped when it goes out of scope (HQProcess.deinit).
        let tlsCopy = Bench.median(tlsTimes)
        let sqlite = Bench.median(sqliteTimes)
        let firstSeconds = Bench.median(firstTimes)
        let slower = max(tlsCopy, sqlite)
        Output.line("results (medians of \(runs)):")
        Output.line(String(format: "  baseline raw TLS copy of the same bytes: %.2fs (%@)", tlsCopy, Bench.rate(records, tlsCopy)))
        Output.line(String(format: "  baseline raw SQLite insert of the same bytes: %.2fs (%@)", sqlite, Bench.rate(records, sqlite)))
        if cluster == nil {
            Output.line(String(format: "  first sync of %d records: %.2fs (%@), %.2f× the slower baseline (target ≤ 3)",
                               records, firstSeconds, Bench.rate(records, firstSeconds), firstSeconds / slower))
        } else {
            Output.line(String(format: "  first sync of %d records into PostgreSQL: %.2fs (%@)", records, firstSeconds, Bench.rate(records, firstSeconds)))
        }
        Output.line(String(format: "  HQ resident memory: %.0f MiB after 10%% of the upload, %.0f MiB peak (flat if close; compare runs of different sizes)",
                           Bench.median(earlyRSS), Bench.median(peakRSS)))
        if cluster != nil {
            let copy = Bench.median(copyTimes)
            Output.line(String(format: "  baseline psql \\copy of the same bytes into a bare table (one COPY stream): %.2fs (%@)", copy, Bench.rate(records, copy)))
            Output.line(String(format: "  first sync into PostgreSQL: %.2f× the psql \\copy rate; database %.0f MiB, %.0f MiB per million entries",
                               copy / firstSeconds, Bench.median(databaseBytes) / 1_048_576, Bench.median(databaseBytes) / 1_048_576 / Double(records) * 1_000_000))
        }
        let configuration = try syncConfiguration(root, port: hq.port, hqKey: hqData.keys.cosignerKey(for: suite.id))

        // Incremental: `increment` records onto the large mirror, vs the same onto an empty one.
        var incremental: [Double] = []
        var fresh: [Double] = []
        var offset = records
        for run in 0..<increments {
            let batch = root.appendingPathComponent("batch-\(run).ndjson")
            try Self.slice(input, from: offset, count: increment, to: batch)
            offset += increment
            _ = try await Ingestor(ledger: ledger).ingest([.init(name: "batch", path: batch.path)], onRejection: { _ in })
            let (summary, seconds) = try await Bench.time { try await SyncClient(configuration: configuration).sync(ledger.store) }
            guard summary.uploaded == UInt64(increment) else { throw ValidationError("incremental sync uploaded \(summary.uploaded)") }
            incremental.append(seconds)

            // The same records as a first sync of a new province onto an empty mirror.
            let code = ["110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000"][run % 10]
            try ca.issue(.province(code), to: root.appendingPathComponent("tls-\(code)-\(run)"))
            let small = try ProvinceLedger.initialize(directory: root.appendingPathComponent("small-\(run)"), province: try ProvinceCode(code),
                                                      origin: "bench/\(code)/\(run)", suite: suite, now: Date())
            let records = try lines(batch).map { line -> ChangeRecord in
                let rewritten = String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\"province\":\"440000\"", with: "\"province\":\"\(code)\"")
                return try ChangeRecord(parsing: Array(rewritten.utf8), province: code)
            }
            try await small.store.append(records, signer: small.signer, now: Date())
            try await hqData.administration.enroll(province: code, verifierKey: small.signer.verifierKey, now: Date())
            let smallConfiguration = try syncConfiguration(root, port: hq.port, hqKey: hqData.keys.cosignerKey(for: suite.id), tls: "tls-\(code)-\(run)")
            let (_, smallSeconds) = try await Bench.time { try await SyncClient(configuration: smallConfiguration).sync(small.store) }
            fresh.append(smallSeconds)
        }
        let incrementalMedian = Bench.median(incremental)
        let freshMedian = Bench.median(fresh)
        Output.line(String(format: "  incremental sync of %d onto %d: median %.1f ms; onto an empty mirror: median %.1f ms; ratio %.2f (target ≤ 2)",
                           increment, records, incrementalMedian * 1000, freshMedian * 1000, incrementalMedian / freshMedian))
    }

    func hqConfiguration(_ root: URL, data: URL, port: Int) throws -> HQConfiguration {
        var flags = HQConfiguration.File()
        flags.data = data.path
        flags.listen = "127.0.0.1:\(port)"
        flags.cert = root.appendingPathComponent("hq-tls/cert.pem").path
        flags.key = root.appendingPathComponent("hq-tls/key.pem").path
        flags.ca = root.appendingPathComponent("ca/ca.pem").path
        return try HQConfiguration(file: .init(), flags: flags)
    }

    func syncConfiguration(_ root: URL, port: Int, hqKey: String, tls: String = "gd-tls") throws -> SyncConfiguration {
        try Self.syncConfiguration(root, port: port, hqKey: hqKey, tls: tls, gzip: gzip)
    }

    static func syncConfiguration(_ root: URL, port: Int, hqKey: String, tls: String = "gd-tls", gzip: Bool) throws -> SyncConfiguration {
        var flags = SyncConfiguration.File()
        flags.hqURL = "https://127.0.0.1:\(port)"
        flags.cert = root.appendingPathComponent("\(tls)/cert.pem").path
        flags.key = root.appendingPathComponent("\(tls)/key.pem").path
        flags.ca = root.appendingPathComponent("ca/ca.pem").path
        flags.hqKey = hqKey
        flags.gzip = gzip
        return try SyncConfiguration(file: .init(), flags: flags)
    }

    func lines(_ url: URL) throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        try Bench.forEachLine(url) { result.append($0) }
        return result
    }

    func head(_ input: URL, lines count: Int, to output: URL) throws {
        try Self.slice(input, from: 0, count: count, to: output)
    }

    static func slice(_ input: URL, from start: Int, count: Int, to output: URL) throws {
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        var index = 0
        var buffer: [UInt8] = []
        try Bench.forEachLine(input) { line in
            defer { index += 1 }
            guard index >= start, index < start + count else { return }
            buffer += line + [0x0A]
            if buffer.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer))
    }
}

/// `creditsync hq serve` as a child process on a free loopback port.
final class HQProcess: Sendable {
    let process: RunningProcess
    let port: Int
    var pid: Int32 { process.pid }

    private init(process: RunningProcess, port: Int) {
        self.process = process
        self.port = port
    }

    /// `storage`: `["--data", DIR]` or `["--database", URL, "--keys", DIR]`; `log` names the
    /// file its standard error goes to.
    static func start(root: URL, storage: [String], log: URL, commitEntries: Int? = nil) async throws -> HQProcess {
        let arguments = ["hq", "serve"] + storage + ["--listen", "127.0.0.1:0", "--operator-listen", "",
                         "--cert", root.appendingPathComponent("hq-tls/cert.pem").path, "--key", root.appendingPathComponent("hq-tls/key.pem").path,
                         "--ca", root.appendingPathComponent("ca/ca.pem").path, "--log-level", "notice"]
            + (commitEntries.map { ["--commit-entries", String($0)] } ?? [])
        let process = try await RunningProcess.start(try Bench.operatorBinary.path, arguments, log: log)
        // The address is logged once listening: "…:PORT [creditsync] HQ listening for provinces".
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("HQ listening for provinces") }),
               let match = line.firstMatch(of: /:(\d+) \[creditsync\]/), let port = Int(match.1) {
                return HQProcess(process: process, port: port)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = try? await process.stop()
        throw ValidationError("HQ did not start; see \(log.path)")
    }

    /// Stops the server and waits for it to exit.
    func stop() async {
        _ = try? await process.stop()
    }

    deinit {
        process.signal(SIGTERM)
    }
}

/// Samples a process's resident memory from /proc while an upload runs.
final class ProcessMemorySampler: Sendable {
    let pid: Int32
    private let state = Mutex((early: 0.0, peak: 0.0))

    init(pid: Int32) { self.pid = pid }

    func sample(at sent: UInt64, of total: UInt64) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return }
        let mib = kb / 1024
        state.withLock { state in
            if sent <= total / 10 { state.early = max(state.early, mib) }
            state.peak = max(state.peak, mib)
        }
    }

    var early: Double { state.withLock { $0.early } }
    var peak: Double { state.withLock { $0.peak } }
}

