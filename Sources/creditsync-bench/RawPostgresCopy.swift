import Foundation
import LocalPostgres

/// The PostgreSQL baseline of the sync benchmarks: the fastest load the server accepts for the
/// same bytes, one COPY stream as `psql \copy` sends it, into a bare table
/// `(idx bigserial primary key, data text)`. NDJSON goes in unchanged as CSV with a quote and a
/// delimiter byte that valid JSON never holds unescaped (0x01, 0x02). The table is created
/// first; only the `\copy` is timed (psql's start and connection included, a few milliseconds).
enum RawPostgresCopy {
    static func seconds(url: String, file: URL) async throws -> Double {
        try psql(url, "CREATE TABLE raw_copy (idx bigserial PRIMARY KEY, data text NOT NULL)")
        let path = file.path.replacingOccurrences(of: "'", with: "''")
        let (_, seconds) = try await Bench.time {
            try psql(url, #"\copy raw_copy (data) FROM '\#(path)' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')"#)
        }
        return seconds
    }

    static func psql(_ url: String, _ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", command]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LocalPostgresCluster.Failure(description: "psql failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self).prefix(2000))")
        }
    }
}
