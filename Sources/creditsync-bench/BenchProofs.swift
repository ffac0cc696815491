import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode

struct BenchProofs: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "proofs",
        abstract: "Inclusion and consistency proof latency on a large log, beside raw hashing of one entry."
    )

    @Option(help: "Log size to build (ignored with --ledger).")
    var records: Int = 1_000_000

    @Option(help: "Suite: sha256-ed25519 or sm3-sm2 (ignored with --ledger).")
    var suite: String = SuiteID.sha256Ed25519.rawValue

    @Option(help: "Proofs of each kind to time.")
    var samples: Int = 2_000

    @Option(help: "Use this existing ledger directory instead of building one.")
    var ledger: String?

    func execute() async throws {
        var temporary: URL?
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let store: LedgerStore
        if let ledger {
            store = try ProvinceLedger.openStore(directory: URL(fileURLWithPath: ledger))
        } else {
            let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bench-proofs-\(UUID().uuidString)")
            temporary = directory
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let input = directory.appendingPathComponent("records.ndjson")
            try Bench.writeRecords(count: records, province: "440000", seed: 11, to: input)
            let built = try ProvinceLedger.initialize(directory: directory.appendingPathComponent("ledger"), province: try ProvinceCode("440000"),
                                                      origin: nil, suite: Suites.named(try SuiteID(parsing: suite)), now: Date())
            _ = try await Ingestor(ledger: built).ingest([.init(name: "records", path: input.path)], onRejection: { _ in })
            store = built.store
        }
        guard let checkpoint = try await store.latestCheckpoint(), checkpoint.size > 1 else {
            throw ValidationError("the ledger needs at least 2 entries")
        }
        let size = checkpoint.size
        let hasher = store.suite.treeHasher
        Output.line("bench proofs: log of \(size) entries, suite \(store.suite.id.rawValue), \(samples) samples each")
        Output.line("machine: \(Bench.machine())")
        var random = SystemRandomNumberGenerator()
        let clock = ContinuousClock()

        var inclusion: [Double] = []
        for _ in 0..<samples {
            let index = UInt64.random(in: 0..<size, using: &random)
            let start = clock.now
            let proof = try await store.inclusionProof(index: index, treeSize: size)
            inclusion.append(Bench.seconds(clock.now - start))
            try proof.verify(root: checkpoint.root, hasher: hasher)
        }
        // Consistency from earlier checkpoints' sizes (what a syncing HQ asks for) and from random sizes.
        var consistency: [Double] = []
        for _ in 0..<samples {
            let old = UInt64.random(in: 1..<size, using: &random)
            let start = clock.now
            let proof = try await store.consistencyProof(from: old, to: size)
            consistency.append(Bench.seconds(clock.now - start))
            if consistency.count <= 50 {
                try await proof.verify(oldRoot: try store.root(size: old), newRoot: checkpoint.root, hasher: hasher)
            }
        }
        // Baseline: hashing one entry's bytes with the suite's hash and with SHA-256.
        let sample = try await store.entry(at: size / 2)
        func hashTime(_ algorithm: any HashAlgorithm) -> Double {
            var times: [Double] = []
            for _ in 0..<5 {
                let start = clock.now
                for _ in 0..<10_000 { _ = algorithm.hash(sample) }
                times.append(Bench.seconds(clock.now - start) / 10_000)
            }
            return Bench.median(times)
        }
        let suiteHash = hashTime(store.suite.hash)
        let sha256 = hashTime(SHA256Algorithm())
        func micro(_ seconds: Double) -> String { String(format: "%.1f µs", seconds * 1e6) }
        Output.line("results:")
        Output.line("  inclusion proof:   median \(micro(Bench.median(inclusion))), p90 \(micro(Bench.percentile(inclusion, 0.9))) (target < 1 ms)")
        Output.line("  consistency proof: median \(micro(Bench.median(consistency))), p90 \(micro(Bench.percentile(consistency, 0.9))) (target < 1 ms)")
        Output.line("  baseline raw \(store.suite.hash.name) of one \(sample.count)-byte entry: \(micro(suiteHash)); raw sha256: \(micro(sha256))")
        Output.line(String(format: "  inclusion proof ≈ %.0f raw hashes of an entry", Bench.median(inclusion) / suiteHash))
    }
}
