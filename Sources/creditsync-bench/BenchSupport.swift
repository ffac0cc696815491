import ArgumentParser
import Foundation
import GRDB
import LedgerStore
import LedgerCore
import Quality
import Synthetic

/// Helpers shared by the benchmarks: timing, memory, synthetic input, baselines.
enum Bench {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func time<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        return (value, seconds(clock.now - start))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// Resident set size of this process, in MiB (Linux /proc).
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }

    /// The machine, for the record in BENCHMARKS.md.
    static func machine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first(where: { $0.hasPrefix("model name") })?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }

    /// PostgreSQL's shared buffers as its manual advises for a dedicated server: a quarter of
    /// the memory, not the default 128 MB. A 1M-record province is 1.4 GB of mirror and register
    /// rows, which the state reads fetch in key order, not in the order they were stored: at
    /// the default most fetches copied a block from the kernel's cache. Alone this moved the
    /// 1M audit within noise (36.0 → 37.0 s) and the read of both states from 13.1 to 11.4 s.
    static var postgresSettings: [String: String] {
        ["shared_buffers": "\(max(128, ProcessInfo.processInfo.physicalMemory >> 22))MB"]
    }

    /// Writes `count` synthetic records of `province` to `url` as NDJSON; returns the byte count.
    @discardableResult
    static func writeRecords(count: Int, province: String, seed: UInt64, to url: URL) throws -> Int {
        var generator = RecordGenerator(province: province, seed: seed, tables: try DomainTables.bundled())
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var total = 0
        for _ in 0..<count {
            buffer.append(contentsOf: generator.next())
            buffer.append(0x0A)
            if buffer.count > 1 << 20 {
                total += buffer.count
                try handle.write(contentsOf: Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        total += buffer.count
        try handle.write(contentsOf: Data(buffer))
        return total
    }

    /// Calls `body` with each line of an NDJSON file, streaming.
    static func forEachLine(_ url: URL, _ body: ([UInt8]) throws -> Void) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var carry: [UInt8] = []
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            var bytes = carry
            bytes.append(contentsOf: data)
            var start = 0
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                try body(Array(bytes[start..<newline]))
                start = newline + 1
            }
            carry = Array(bytes[start...])
        }
        if !carry.isEmpty { try body(carry) }
    }

    /// How the raw SQLite baseline checkpoints its WAL.
    enum Checkpointing {
        /// SQLite's default: the committing writer copies the WAL back every 1,000 pages.
        case sqliteDefault
        /// As the ledger does: a `WALCheckpointer` beside the writer.
        case besideTheWriter
    }

    /// Baseline: insert the same bytes into a bare SQLite table, `batchSize` rows per transaction,
    /// through GRDB with a prepared statement, with the ledger's WAL and synchronous settings.
    static func rawSQLiteInsert(_ input: URL, batchSize: Int, in directory: URL, checkpointing: Checkpointing = .sqliteDefault) throws -> Double {
        let path = directory.appendingPathComponent("baseline-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            if checkpointing == .besideTheWriter {
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in try db.execute(sql: "CREATE TABLE raw (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)") }
        let checkpointer = checkpointing == .besideTheWriter ? try WALCheckpointer(path: path) : nil
        let clock = ContinuousClock()
        let start = clock.now
        var batch: [[UInt8]] = []
        var index: Int64 = 0
        func flush() throws {
            let rows = batch
            let first = index
            try pool.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO raw (idx, data) VALUES (?, ?)")
                for (offset, row) in rows.enumerated() {
                    try statement.execute(arguments: [first + Int64(offset), Data(row)])
                }
            }
            checkpointer?.nudge()
            index += Int64(rows.count)
            batch.removeAll(keepingCapacity: true)
        }
        try forEachLine(input) { line in
            batch.append(line)
            if batch.count == batchSize { try flush() }
        }
        if !batch.isEmpty { try flush() }
        let elapsed = seconds(clock.now - start)
        try checkpointer?.close()
        try pool.close()
        return elapsed
    }

    /// Baseline: hash each line once with `algorithm`, timing only the hashing, in chunks of
    /// 10,000 lines so memory stays flat.
    static func rawHash(_ input: URL, algorithm: any HashAlgorithm) throws -> Double {
        let clock = ContinuousClock()
        var total = Duration.zero
        var chunk: [[UInt8]] = []
        func hashChunk() {
            let start = clock.now
            // Calls through an existential are not optimised away.
            for line in chunk { _ = algorithm.hash(line) }
            total += clock.now - start
            chunk.removeAll(keepingCapacity: true)
        }
        try forEachLine(input) { line in
            chunk.append(line)
            if chunk.count == 10_000 { hashChunk() }
        }
        hashChunk()
        return seconds(total)
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let perSecond = Double(count) / max(seconds, 1e-9)
        return perSecond >= 1000 ? String(format: "%.0f/s", perSecond) : String(format: "%.1f/s", perSecond)
    }
}

extension Bench {
    /// The operator binary the benches run as HQ (`hq serve`, `hq audit`): `creditsync`, built
    /// beside this executable (`swift build -c release --product creditsync`).
    static var operatorBinary: URL {
        get throws {
            let url = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("creditsync")
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw ValidationError("\(url.path) is missing: build it beside the bench (swift build -c release --product creditsync)")
            }
            return url
        }
    }
}
