import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import LedgerStore
import LineInput
import LocalPostgres
import NationalCrypto
import PKI
import ProvinceNode
import Quality
import SyncProtocol
import Synthetic

struct BenchFeed: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Push-down of central risk information: one province receiving a large feed, and every province at once, beside a raw SQLite insert of the same bytes."
    )

    @Option(help: "HQ's storage: sqlite (a data directory) or postgres (a throwaway cluster started here, durable settings).")
    var backend: String = "sqlite"

    @Option(help: "Feed entries to one province.")
    var entries: Int = 100_000

    @Option(help: "Provinces receiving at once (up to 32: the 31 provinces and the XPCC).")
    var provinces: Int = 32

    @Option(help: "Feed entries to each of them.")
    var perProvince: Int = 10_000

    @Option(help: "Runs, each onto fresh province ledgers; medians are reported.")
    var runs: Int = 3

    func execute() async throws {
        guard ["sqlite", "postgres"].contains(backend) else { throw ValidationError("--backend is sqlite or postgres") }
        guard (1...32).contains(provinces) else { throw ValidationError("--provinces is 1 to 32") }
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bench-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        Output.line("bench feed: \(entries) entries to one province; \(provinces) provinces × \(perProvince) at once; backend \(backend), \(runs) runs")
        Output.line("machine: \(Bench.machine())")
        let cluster = backend == "postgres" ? try LocalPostgresCluster(durability: .durable) : nil
        defer { cluster?.stop() }

        let domain = try DomainTables.bundled()
        let codes = Array(domain.nodes.keys.sorted().prefix(provinces))
        let ca = try CertificateAuthority.create(in: root.appendingPathComponent("ca"))
        try ca.issue(.hq(["127.0.0.1"]), to: root.appendingPathComponent("hq-tls"))
        for code in codes { try ca.issue(.province(code), to: root.appendingPathComponent("tls-\(code)")) }

        let one = try await scenario("one", root: root, cluster: cluster, plan: [(codes[0], entries)], domain: domain)
        let all = try await scenario("all", root: root, cluster: cluster, plan: codes.map { ($0, perProvince) }, domain: domain)
        Output.line("results (medians of \(runs)):")
        for (name, result) in [("one province", one), ("\(provinces) provinces at once", all)] {
            Output.line(String(format: "  %@, %d feed entries: %.2fs wall (%@ applied), %.1f MB on the wire (%.0f bytes per entry); hq risk import %.2fs",
                               name, result.entries, result.seconds, Bench.rate(result.entries, result.seconds), result.bytes / 1e6,
                               result.bytes / Double(result.entries), result.importSeconds))
            Output.line(String(format: "    baseline raw SQLite insert of the same entries: %.2fs (%@); delivery %.2f× the baseline",
                               result.raw, Bench.rate(result.entries, result.raw), result.seconds / result.raw))
        }
    }

    struct Result {
        var entries: Int
        var seconds: Double
        var bytes: Double
        var raw: Double
        var importSeconds: Double
    }

    /// One HQ (its own data directory or database) holding `plan`'s feeds; every province
    /// receives its whole feed at once, `runs` times onto fresh copies of its empty ledger.
    func scenario(_ name: String, root: URL, cluster: LocalPostgresCluster?, plan: [(String, Int)], domain: DomainTables) async throws -> Result {
        let keys = root.appendingPathComponent("hq-keys-\(name)")
        let location: HQData.Location
        let storage: [String]
        if let cluster {
            let url = try cluster.createDatabase("bench_feed_\(name)")
            location = .database(url)
            storage = ["--database", url, "--keys", keys.path]
        } else {
            location = .directory(root.appendingPathComponent("hq-\(name)"))
            storage = ["--data", root.appendingPathComponent("hq-\(name)").path, "--keys", keys.path]
        }
        let data = try await HQData.initialize(location, keys: keys)
        // Empty ledgers, enrolled; each run receives into a fresh copy (same key, empty state).
        for (code, _) in plan {
            let ledger = try ProvinceLedger.initialize(directory: root.appendingPathComponent("template-\(name)-\(code)"), province: try ProvinceCode(code),
                                                       origin: nil, suite: .sha256Ed25519, now: Date())
            try await data.administration.enroll(province: code, verifierKey: ledger.signer.verifierKey, now: Date())
            try ledger.store.close()
        }
        var generator = CentralRiskGenerator(seed: 16)
        let input = root.appendingPathComponent("risk-\(name).ndjson")
        try writeRisk(to: input, plan, generator: &generator)
        let (imported, importSeconds) = try await Bench.time {
            try await RiskImporter(data: data, domain: domain, rules: try QualityRules.bundled()).run([.init(name: input.lastPathComponent, path: input.path)]) { _ in }
        }
        let total = plan.reduce(0) { $0 + $1.1 }
        guard imported.appended == total else { throw ValidationError("imported \(imported.appended) of \(total)") }
        // The baseline's input: exactly the entries the feeds deliver.
        let delivered = root.appendingPathComponent("delivered-\(name).ndjson")
        guard FileManager.default.createFile(atPath: delivered.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: delivered)
        for (code, count) in plan {
            for entry in try await data.feed(province: code).entries(from: 0, to: UInt64(count)) { try handle.write(contentsOf: entry + [0x0A]) }
        }
        try handle.close()
        let feedKeys = try Dictionary(uniqueKeysWithValues: plan.map { ($0.0, try data.keys.feedVerifierKey(province: $0.0, suite: .sha256Ed25519)) })
        let hqKey = data.keys.cosignerKey(for: .sha256Ed25519)
        try await data.storage.close()

        // Stopped when it goes out of scope (HQProcess.deinit).
        let hq = try await HQProcess.start(root: root, storage: storage, log: root.appendingPathComponent("hq-\(name).log"))
        var seconds: [Double] = [], bytes: [Double] = [], raw: [Double] = []
        for run in 0..<runs {
            var ledgers: [(ProvinceLedger, SyncClient)] = []
            for (code, _) in plan {
                let directory = root.appendingPathComponent("run-\(name)-\(run)-\(code)")
                try FileManager.default.copyItem(at: root.appendingPathComponent("template-\(name)-\(code)"), to: directory)
                var configuration = try BenchSync.syncConfiguration(root, port: hq.port, hqKey: hqKey, tls: "tls-\(code)", gzip: false)
                configuration.hqFeedKey = feedKeys[code]
                ledgers.append((try await ProvinceLedger.open(directory: directory), SyncClient(configuration: configuration)))
            }
            let (received, elapsed) = try await Bench.time {
                try await withThrowingTaskGroup(of: SyncClient.FeedSummary.self) { group in
                    for (ledger, client) in ledgers {
                        group.addTask { try await client.receiveFeed(ledger.store, signer: ledger.signer) }
                    }
                    var all: [SyncClient.FeedSummary] = []
                    for try await summary in group { all.append(summary) }
                    return all
                }
            }
            let applied = received.reduce(0) { $0 + Int($1.applied) }
            guard applied == total else { throw ValidationError("\(name): applied \(applied) of \(total)") }
            for (ledger, _) in ledgers { try ledger.store.close() }
            seconds.append(elapsed)
            bytes.append(Double(received.reduce(0) { $0 + $1.bytes }))
            raw.append(try Bench.rawSQLiteInsert(delivered, batchSize: 4096, in: root))
            Output.line(String(format: "  %@ run %d: %d entries to %d province(s) in %.2fs; raw SQLite insert %.2fs", name, run + 1, total, plan.count, elapsed, raw.last!))
        }
        return Result(entries: total, seconds: Bench.median(seconds), bytes: Bench.median(bytes), raw: Bench.median(raw), importSeconds: importSeconds)
    }

    func writeRisk(to url: URL, _ plan: [(String, Int)], generator: inout CentralRiskGenerator) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        for (code, count) in plan {
            let division = String(code.prefix(2)) + "0100"
            for _ in 0..<count {
                buffer += generator.record(uscc: generator.uscc(division: division))
                buffer.append(0x0A)
                if buffer.count > 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try handle.write(contentsOf: buffer)
    }
}
