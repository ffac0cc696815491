import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import LedgerStore
import LocalPostgres
import NationalCrypto
import PKI
import ProvinceNode
import Quality
import Synchronization
import Synthetic

struct BenchNational: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "national",
        abstract: "Many provinces syncing at once through several HQ processes on one database: throughput, p50/p99 per sync, each HQ's peak memory against one upload alone, database size."
    )

    @Option(help: "HQ's storage: postgres (a throwaway cluster started here, durable settings) or sqlite (one HQ process).")
    var backend: String = "postgres"

    @Option(help: "Provinces syncing at once (at most 32: the 31 provinces and the XPCC).")
    var provinces: Int = 32

    @Option(help: "Records per province.")
    var records: Int = 50_000

    @Option(help: "HQ processes (PostgreSQL only; embedded storage is served by one).")
    var processes: Int = 2

    @Option(help: "Suite: sha256-ed25519 or sm3-sm2.")
    var suite: String = SuiteID.sha256Ed25519.rawValue

    func execute() async throws {
        guard ["sqlite", "postgres"].contains(backend) else { throw ValidationError("--backend is sqlite or postgres") }
        let processCount = backend == "sqlite" ? 1 : max(1, processes)
        let tables = try DomainTables.bundled()
        let codes = Array(tables.nodes.keys.sorted().prefix(provinces))
        guard codes.count == provinces, provinces > 0 else { throw ValidationError("--provinces is 1 to \(tables.nodes.count)") }
        let suite = Suites.named(try SuiteID(parsing: suite))
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bench-national-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        Output.line("bench national: \(provinces) provinces × \(records) records at once through \(processCount) HQ process(es), backend \(backend), suite \(suite.id.rawValue)")
        Output.line("machine: \(Bench.machine())")

        let ca = try CertificateAuthority.create(in: root.appendingPathComponent("ca"))
        try ca.issue(.hq(["127.0.0.1"]), to: root.appendingPathComponent("hq-tls"))
        // The solo province measures one upload alone; it is not one of the N.
        let solo = "990000"
        var filled: [String: ProvinceLedger] = [:]
        let (_, ingest) = try await Bench.time {
            for (offset, code) in (codes + [solo]).enumerated() {
                try ca.issue(.client(commonName: "province \(code)", uris: [ProvinceIdentity.uri(for: code)]), to: root.appendingPathComponent("tls-\(code)"))
                let ledger = try ProvinceLedger.initialize(directory: root.appendingPathComponent("ledger-\(code)"),
                                                           province: try ProvinceCode(code), origin: "bench/\(code)",
                                                           suite: suite, now: Date())
                try await Self.fill(ledger, count: records, seed: UInt64(offset + 1), tables: tables)
                filled[code] = ledger
            }
        }
        let ledgers = filled
        Output.line(String(format: "  %d ledgers of %d records written in %.1fs", ledgers.count, records, ingest))

        let cluster = backend == "postgres" ? try LocalPostgresCluster(durability: .durable) : nil
        defer { cluster?.stop() }
        let keys = root.appendingPathComponent("hq-keys")
        let location: HQData.Location
        let storageArguments: [String]
        if let cluster {
            let url = try cluster.createDatabase("national")
            location = .database(url)
            storageArguments = ["--database", url, "--keys", keys.path]
        } else {
            location = .directory(root.appendingPathComponent("hq"))
            storageArguments = ["--data", root.appendingPathComponent("hq").path, "--keys", keys.path]
        }
        let data = try await HQData.initialize(location, keys: keys)
        for (code, ledger) in ledgers {
            try await data.administration.enroll(province: code, verifierKey: ledger.signer.verifierKey, now: Date())
        }
        // Stopped when they go out of scope (HQProcess.deinit).
        var hqs: [HQProcess] = []
        for index in 0..<processCount {
            hqs.append(try await HQProcess.start(root: root, storage: storageArguments, log: root.appendingPathComponent("hq-\(index).log")))
        }
        let sampler = PeakMemory(pids: hqs.map(\.pid))
        let sampling = Task.detached { await sampler.run() }
        defer { sampling.cancel() }

        func sync(_ code: String, through hq: HQProcess) async throws -> Double {
            var flags = SyncConfiguration.File()
            flags.hqURL = "https://127.0.0.1:\(hq.port)"
            flags.cert = root.appendingPathComponent("tls-\(code)/cert.pem").path
            flags.key = root.appendingPathComponent("tls-\(code)/key.pem").path
            flags.ca = root.appendingPathComponent("ca/ca.pem").path
            flags.hqKey = data.keys.cosignerKey(for: suite.id)
            flags.gzip = false
            flags.retries = 20
            let client = SyncClient(configuration: try SyncConfiguration(file: .init(), flags: flags))
            let (summary, seconds) = try await Bench.time { try await client.sync(ledgers[code]!.store) }
            guard summary.size == UInt64(records) else { throw ValidationError("HQ holds \(summary.size) of \(code)'s \(records)") }
            return seconds
        }

        // One upload alone, then all of them at once.
        try await Task.sleep(for: .milliseconds(500))
        let idle = sampler.reset()
        let soloSeconds = try await sync(solo, through: hqs[0])
        let soloPeak = sampler.reset()
        let (durations, wall) = try await Bench.time {
            try await withThrowingTaskGroup(of: Double.self) { group in
                for (offset, code) in codes.enumerated() {
                    let hq = hqs[offset % hqs.count]
                    group.addTask { try await sync(code, through: hq) }
                }
                return try await group.reduce(into: [Double]()) { $0.append($1) }
            }
        }
        let concurrentPeak = sampler.reset()
        let total = provinces * records
        Output.line(String(format: "  one upload of %d alone: %.2fs (%@); HQ process 1 idle %.0f MiB, peak %.0f MiB",
                           records, soloSeconds, Bench.rate(records, soloSeconds), idle[0], soloPeak[0]))
        Output.line(String(format: "  %d uploads at once: %.2fs wall, %@ in total; per sync p50 %.2fs, p99 %.2fs",
                           provinces, wall, Bench.rate(total, wall), Bench.percentile(durations, 0.5), Bench.percentile(durations, 0.99)))
        for (offset, peak) in concurrentPeak.enumerated() {
            Output.line(String(format: "  HQ process %d peak %.0f MiB with %d uploads at once: %.2f× its peak with one (target ≤ 4)",
                               offset + 1, peak, provinces, peak / soloPeak[0]))
        }
        let stored: Double = if let cluster {
            Double(try cluster.databaseSize("national"))
        } else {
            Double(try Self.directorySize(root.appendingPathComponent("hq")))
        }
        Output.line(String(format: "  storage: %.0f MiB for %d entries, %.0f MiB per million", stored / 1_048_576, total + records,
                           stored / 1_048_576 / Double(total + records) * 1_000_000))
        try await data.storage.close()
    }

    /// Appends `count` synthetic records in batches of 10,000, each with its checkpoint.
    static func fill(_ ledger: ProvinceLedger, count: Int, seed: UInt64, tables: DomainTables) async throws {
        var generator = RecordGenerator(province: ledger.province, seed: seed, tables: tables)
        var batch: [ChangeRecord] = []
        for _ in 0..<count {
            batch.append(try ChangeRecord(canonicalEntry: generator.next(), province: ledger.province))
            if batch.count == 10_000 {
                try await ledger.store.append(batch, signer: ledger.signer, now: Date())
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try await ledger.store.append(batch, signer: ledger.signer, now: Date()) }
    }

    static func directorySize(_ url: URL) throws -> Int64 {
        var total: Int64 = 0
        for case let file as URL in FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey]) ?? FileManager.DirectoryEnumerator() {
            total += Int64((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        return total
    }
}

/// Peak resident memory of processes, sampled from /proc every 50 ms.
final class PeakMemory: Sendable {
    let pids: [Int32]
    /// The /proc status line sampled: `VmRSS` (all resident pages), or `RssAnon` (the
    /// process's own memory, without the file pages it maps, such as SQLite's mapped reads).
    let field: String
    private let peaks: Mutex<[Double]>

    init(pids: [Int32], field: String = "VmRSS") {
        self.pids = pids
        self.field = field
        peaks = Mutex(Array(repeating: 0, count: pids.count))
    }

    func run() async {
        while !Task.isCancelled {
            let now = pids.map { Self.resident($0, field: field) }
            peaks.withLock { peaks in for i in peaks.indices { peaks[i] = max(peaks[i], now[i]) } }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The peaks since the last reset, and starts over from the current values.
    func reset() -> [Double] {
        let now = pids.map { Self.resident($0, field: field) }
        return peaks.withLock { peaks in
            let result = zip(peaks, now).map { max($0, $1) }
            peaks = now
            return result
        }
    }

    static func resident(_ pid: Int32, field: String = "VmRSS") -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}
