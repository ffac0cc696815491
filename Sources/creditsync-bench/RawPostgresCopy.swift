import Foundation
import HQStoragePostgres
import Logging
import PostgresNIO

/// The PostgreSQL baseline of the sync benchmarks: COPY of the same NDJSON lines into a bare
/// table `(idx bigint primary key, data text)`, in 1 MiB chunks, on one connection.
enum RawPostgresCopy {
    static func seconds(url: String, file: URL) async throws -> Double {
        let logger = Logger(label: "creditsync.bench.copy")
        let client = PostgresClient(configuration: try PostgresURL(parsing: url).clientConfiguration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        return try await client.withConnection { connection in
            _ = try await connection.query("CREATE TABLE raw_copy (idx bigint PRIMARY KEY, data text NOT NULL)", logger: logger).collect()
            // Read, escape and send as it goes, 1 MiB at a time: what the sync also does.
            let (_, seconds) = try await Bench.time {
                let handle = try FileHandle(forReadingFrom: file)
                defer { try? handle.close() }
                try await connection.copyFrom(table: "raw_copy", columns: ["idx", "data"], logger: logger) { writer in
                    var rows = CopyRows(capacity: 1 << 21)
                    var index: Int64 = 0
                    var partial: [UInt8] = []
                    while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
                        partial.append(contentsOf: data)
                        var start = 0
                        while let newline = partial[start...].firstIndex(of: 0x0A) {
                            rows.field(index)
                            rows.field(partial[start..<newline], last: true)
                            index += 1
                            start = newline + 1
                        }
                        partial.removeFirst(start)
                        if rows.readableBytes >= 1 << 20 { try await writer.write(rows.take()) }
                    }
                    try await writer.write(rows.take())
                }
            }
            return seconds
        }
    }
}
