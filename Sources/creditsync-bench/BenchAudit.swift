import ArgumentParser
import CommandSupport
import Foundation
import HQAudit
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import LineInput
import LocalPostgres
import PKI
import ProvinceNode
import Spawning

struct BenchAudit: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "A province's monthly audit against its central register (`hq audit` as a child process), beside reading the same rows once."
    )

    @Option(help: "HQ's storage: sqlite or postgres (a throwaway cluster started here).")
    var backend: String = "sqlite"

    @Option(help: "Records in the province's log (and its central register).")
    var records: Int = 1_000_000

    @Option(help: "Audits timed at the full size; medians are reported.")
    var runs: Int = 3

    @Option(help: "Keep the working files (HQ's data, the log) in this new directory, for profiling.")
    var keep: String?

    func execute() async throws {
        guard ["sqlite", "postgres"].contains(backend) else { throw ValidationError("--backend is sqlite or postgres") }
        let root = keep.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bench-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        Output.line("bench audit: \(records) records, backend \(backend)")
        Output.line("machine: \(Bench.machine())")
        let cluster = backend == "postgres" ? try LocalPostgresCluster(durability: .durable, settings: Bench.postgresSettings) : nil
        defer { cluster?.stop() }
        if cluster != nil { Output.line("PostgreSQL settings: \(Bench.postgresSettings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))") }

        // The province's log, mirrored in two syncs so HQ holds a checkpoint at a fifth of it.
        let small = records / 5
        let input = root.appendingPathComponent("records.ndjson")
        try Bench.writeRecords(count: records, province: "440000", seed: 5, to: input)
        let parts = [root.appendingPathComponent("part-1.ndjson"), root.appendingPathComponent("part-2.ndjson")]
        try BenchSync.slice(input, from: 0, count: small, to: parts[0])
        try BenchSync.slice(input, from: small, count: records - small, to: parts[1])
        let ca = try CertificateAuthority.create(in: root.appendingPathComponent("ca"))
        try ca.issue(.hq(["127.0.0.1"]), to: root.appendingPathComponent("hq-tls"))
        try ca.issue(.province("440000"), to: root.appendingPathComponent("gd-tls"))
        let ledger = try ProvinceLedger.initialize(directory: root.appendingPathComponent("gd"), province: try ProvinceCode("440000"),
                                                   origin: nil, suite: .sha256Ed25519, now: Date())
        let keys = root.appendingPathComponent("hq-keys")
        let location: HQData.Location
        let storageArguments: [String]
        if let cluster {
            let url = try cluster.createDatabase("bench_audit")
            location = .database(url)
            storageArguments = ["--database", url]
        } else {
            location = .directory(root.appendingPathComponent("hq"))
            storageArguments = ["--data", root.appendingPathComponent("hq").path]
        }
        let data = try await HQData.initialize(location, keys: keys)
        try await data.administration.enroll(province: "440000", verifierKey: ledger.signer.verifierKey, now: Date())
        let serveArguments = cluster == nil ? ["--data", root.appendingPathComponent("hq").path, "--keys", keys.path]
            : ["--database", storageArguments[1], "--keys", keys.path]
        let hq = try await HQProcess.start(root: root, storage: serveArguments, log: root.appendingPathComponent("hq.log"))
        for part in parts {
            _ = try await Ingestor(ledger: ledger).ingest([.init(name: part.lastPathComponent, path: part.path)], onRejection: { _ in })
            _ = try await SyncClient(configuration: try BenchSync.syncConfiguration(root, port: hq.port, hqKey: data.keys.cosigner.verifierKey, gzip: false))
                .sync(ledger.store)
        }
        await hq.stop()
        let (imported, importSeconds) = try await Bench.time {
            try await RegisterImporter(register: data.storage.register, provinces: ["440000"]).run([.init(name: "records", path: input.path)]) { _ in }
        }
        guard imported.imported == records else { throw ValidationError("the register holds \(imported.imported) of \(records)") }
        Output.line(String(format: "  setup: mirror of %d in two syncs; central register import %.2fs (%@)", records, importSeconds, Bench.rate(records, importSeconds)))

        // Baseline: the rows an audit reads, read once in the same pages, nothing else.
        var readTimes: [Double] = []
        var auditTimes: [Double] = []
        var auditPeaks: [Double] = []
        var auditResident: [Double] = []
        for run in 0..<runs {
            let (rows, readSeconds) = try await Bench.time { try await Self.readOnce(data.storage, size: UInt64(records)) }
            guard rows.local == rows.central else { throw ValidationError("read \(rows.local) mirror and \(rows.central) register state rows") }
            readTimes.append(readSeconds)
            let (seconds, peak, resident) = try await audit(storageArguments, size: records, out: root.appendingPathComponent("audit-\(run)"))
            auditTimes.append(seconds)
            auditPeaks.append(peak)
            auditResident.append(resident)
            Output.line(String(format: "  run %d: read both states once %.2fs; audit %.2fs, peak %.0f MiB own memory (%.0f MiB resident with mapped files)",
                               run + 1, readSeconds, seconds, peak, resident))
        }
        let (smallSeconds, smallPeak, smallResident) = try await audit(storageArguments, size: small, out: root.appendingPathComponent("audit-small"))
        try await data.storage.close()

        let read = Bench.median(readTimes)
        let audit = Bench.median(auditTimes)
        Output.line("results (medians of \(runs)):")
        Output.line(String(format: "  baseline: reading both states once (pages of 5,000, the audit's queries, no parsing): %.2fs", read))
        Output.line(String(format: "  audit of %d records against %d central: %.2fs (%@), %.2f× the read; target < 30 s", records, records, audit,
                           Bench.rate(records, audit), audit / read))
        Output.line(String(format: "  audit peak own memory (RssAnon): %.0f MiB at %d records, %.0f MiB at %d (%.2fs): flat if close",
                           Bench.median(auditPeaks), records, smallPeak, small, smallSeconds))
        Output.line(String(format: "  audit peak resident set (VmRSS, with the files it maps): %.0f MiB at %d records, %.0f MiB at %d",
                           Bench.median(auditResident), records, smallResident, small))
    }

    /// Pages through the mirror's and the register's state as the audit does; returns the rows.
    static func readOnce(_ storage: any HQStorage, size: UInt64) async throws -> (local: Int, central: Int) {
        let mirror = try await storage.mirror(province: "440000")
        var rows = 0
        var after: StateKey?
        while true {
            let page = try await mirror.state(size: size, after: after, limit: 5_000)
            rows += page.count
            guard page.count == 5_000 else { break }
            after = page.last?.key
        }
        let local = rows
        rows = 0
        after = nil
        while true {
            let page = try await storage.register.state(province: "440000", size: size, after: after, limit: 5_000)
            rows += page.count
            guard page.count == 5_000 else { break }
            after = page.last?.key
        }
        return (local, rows)
    }

    /// `creditsync hq audit` at `size` entries and register changes; its time, its peak own
    /// memory (anonymous pages) and its peak resident set (with mapped file pages).
    func audit(_ storage: [String], size: Int, out: URL) async throws -> (Double, Double, Double) {
        let start = ContinuousClock.now
        let process = try await RunningProcess.start(try Bench.operatorBinary.path, ["hq", "audit"] + storage + [
            "--province", "440000", "--month", "2026-10", "--out", out.path, "--mirror-size", String(size), "--register-size", String(size)])
        let sampler = PeakMemory(pids: [process.pid], field: "RssAnon")
        let resident = PeakMemory(pids: [process.pid])
        let sampling = Task.detached { await sampler.run() }
        let samplingResident = Task.detached { await resident.run() }
        let termination = try await process.wait()
        let seconds = Bench.seconds(ContinuousClock.now - start)
        sampling.cancel()
        samplingResident.cancel()
        guard termination == .exited(0) else { throw ValidationError("hq audit ended with \(termination)") }
        return (seconds, sampler.reset()[0], resident.reset()[0])
    }
}
