import HQStorage
import Logging
import PostgresNIO

/// HQ's signing keys as recorded in `hq_meta`, so every process can check it uses the same.
struct PostgresRecordedKeys: RecordedKeys {
    let client: PostgresClient
    let logger: Logger

    func value(_ name: RecordedKeyName) async throws -> String? {
        for try await value in try await client.query("SELECT value FROM hq_meta WHERE key = \(name.rawValue)", logger: logger).decode(String.self) {
            return value
        }
        return nil
    }

    func record(_ name: RecordedKeyName, _ value: String) async throws {
        try await client.run("INSERT INTO hq_meta (key, value) VALUES (\(name.rawValue), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value", logger: logger)
    }
}
