import Foundation
import LocalPostgres
import Spawning

/// The PostgreSQL baseline of the sync benchmarks: the fastest load the server accepts for the
/// same bytes, one COPY stream as `psql \copy` sends it, into a bare table
/// `(idx bigserial primary key, data text)`. NDJSON goes in unchanged as CSV with a quote and a
/// delimiter byte that valid JSON never holds unescaped (0x01, 0x02). The table is created
/// first; only the `\copy` is timed (psql's start and connection included, a few milliseconds).
enum RawPostgresCopy {
    static func seconds(url: String, file: URL) async throws -> Double {
        try await psql(url, "CREATE TABLE raw_copy (idx bigserial PRIMARY KEY, data text NOT NULL)")
        let path = file.path.replacingOccurrences(of: "'", with: "''")
        let (_, seconds) = try await Bench.time {
            try await psql(url, #"\copy raw_copy (data) FROM '\#(path)' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')"#)
        }
        return seconds
    }

    static func psql(_ url: String, _ command: String) async throws {
        let output = try await ChildProcess.run("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", command])
        guard output.termination == .exited(0) else {
            throw LocalPostgresCluster.Failure(description: "psql failed (\(output.termination)): \(String(decoding: output.standardError, as: UTF8.self).prefix(2000))")
        }
    }
}
