import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Synchronization

struct BenchAppend: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append throughput, beside raw SQLite insert and raw hashing of the same bytes."
    )

    @Option(help: "Records per run.")
    var records: Int = 1_000_000

    @Option(help: "Suite: sha256-ed25519 or sm3-sm2.")
    var suite: String = SuiteID.sha256Ed25519.rawValue

    @Option(help: "Records per transaction, for the ledger and the raw SQLite baseline.")
    var batchSize: Int = 10_000

    @Option(help: "Runs of each measurement; medians are reported.")
    var runs: Int = 3

    @Option(help: "Working directory (default: a new temporary one, removed afterwards).")
    var workdir: String?

    func execute() async throws {
        let suite = Suites.named(try SuiteID(parsing: suite))
        let directory = URL(fileURLWithPath: workdir ?? NSTemporaryDirectory()).appendingPathComponent("bench-append-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("records.ndjson")
        let bytes = try Bench.writeRecords(count: records, province: "440000", seed: 7, to: input)
        Output.line("bench append: \(records) records (\(bytes / records) bytes average), suite \(suite.id.rawValue), batch \(batchSize), \(runs) runs")
        Output.line("machine: \(Bench.machine())")

        var ledgerTimes: [Double] = []
        var sqliteTimes: [Double] = []
        var sqliteBesideTimes: [Double] = []
        var hashTimes: [Double] = []
        var sha256Times: [Double] = []
        var earlyRSS: [Double] = []
        var peakRSS: [Double] = []
        for run in 0..<runs {
            let ledgerDirectory = directory.appendingPathComponent("ledger-\(run)")
            let ledger = try ProvinceLedger.initialize(directory: ledgerDirectory, province: try ProvinceCode("440000"), origin: nil, suite: suite, now: Date())
            let sampler = RSSSampler(total: records)
            let (summary, seconds) = try await Bench.time {
                try await Ingestor(ledger: ledger, batchSize: batchSize).ingest(
                    [.init(name: input.lastPathComponent, path: input.path)],
                    onRejection: { _ in },
                    onBatch: { sampler.observe(appended: $0.appended + $0.duplicates) })
            }
            guard summary.appended == records else {
                throw ValidationError("appended \(summary.appended) of \(records) records")
            }
            ledgerTimes.append(seconds)
            earlyRSS.append(sampler.early)
            peakRSS.append(sampler.peak)
            try ledger.store.close()
            try? FileManager.default.removeItem(at: ledgerDirectory)
            // Baselines after the ledger, so the memory sampled above is the ledger's own.
            sqliteTimes.append(try Bench.rawSQLiteInsert(input, batchSize: batchSize, in: directory))
            sqliteBesideTimes.append(try Bench.rawSQLiteInsert(input, batchSize: batchSize, in: directory, checkpointing: .besideTheWriter))
            hashTimes.append(try Bench.rawHash(input, algorithm: suite.hash))
            sha256Times.append(try Bench.rawHash(input, algorithm: SHA256Algorithm()))

            Output.line(String(format: "  run %d: ledger %.2fs, raw SQLite %.2fs (checkpointing beside the writer %.2fs), raw %@ %.2fs",
                               run + 1, seconds, sqliteTimes.last!, sqliteBesideTimes.last!, suite.hash.name, hashTimes.last!))
        }
        let ledger = Bench.median(ledgerTimes)
        let sqlite = Bench.median(sqliteTimes)
        Output.line("results (medians of \(runs)):")
        Output.line("  ledger append (parse, canonicalise, hash, tree, state, checkpoint): \(Bench.rate(records, ledger))")
        Output.line("  baseline raw SQLite insert of the same bytes:                      \(Bench.rate(records, sqlite))")
        Output.line(String(format: "  ratio ledger/raw SQLite: %.2f (target ≥ 0.5)", sqlite / ledger))
        let beside = Bench.median(sqliteBesideTimes)
        Output.line("  baseline raw SQLite, WAL checkpointed beside the writer as the ledger does: \(Bench.rate(records, beside))")
        Output.line(String(format: "  ratio ledger/that baseline: %.2f", beside / ledger))
        Output.line("  baseline raw \(suite.hash.name) of the same bytes: \(Bench.rate(records, Bench.median(hashTimes)))")
        if suite.hash.name != "sha256" {
            Output.line("  baseline raw sha256 of the same bytes: \(Bench.rate(records, Bench.median(sha256Times)))")
        }
        Output.line(String(format: "  resident memory: %.0f MiB after the first 10%% of records, %.0f MiB peak (flat if close)",
                           Bench.median(earlyRSS), Bench.median(peakRSS)))

        // Where the time goes, one stage at a time on one core (not overlapped).
        let sample = min(records, 100_000)
        var lines: [[UInt8]] = []
        try Bench.forEachLine(input) { if lines.count < sample { lines.append($0) } }
        let (parsed, parseSeconds) = try await Bench.time { try lines.map { try ChangeRecord(parsing: $0, province: "440000") } }
        let stageLedger = try ProvinceLedger.initialize(directory: directory.appendingPathComponent("stages"), province: try ProvinceCode("440000"),
                                                        origin: nil, suite: suite, now: Date())
        let (_, storeSeconds) = try await Bench.time {
            for start in stride(from: 0, to: parsed.count, by: batchSize) {
                try await stageLedger.store.append(Array(parsed[start..<min(start + batchSize, parsed.count)]), signer: stageLedger.signer, now: Date())
            }
        }
        Output.line("  stages on \(sample) records: parse + canonicalise \(Bench.rate(sample, parseSeconds)); store (entries, tree, state, checkpoint) \(Bench.rate(sample, storeSeconds))")
    }
}

/// Samples resident memory as batches commit.
final class RSSSampler: Sendable {
    private struct State {
        var early = 0.0
        var peak = 0.0
    }

    private let state = Mutex(State())
    let total: Int

    init(total: Int) { self.total = total }

    func observe(appended: Int) {
        let rss = Bench.residentMiB()
        state.withLock { state in
            if appended <= total / 10 || state.early == 0 { state.early = max(state.early, rss) }
            state.peak = max(state.peak, rss)
        }
    }

    var early: Double { state.withLock { $0.early } }
    var peak: Double { state.withLock { $0.peak } }
}
