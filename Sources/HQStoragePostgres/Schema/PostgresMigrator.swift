import Foundation
import HQStorage
import Logging
import PostgresNIO

/// Applies `PostgresSchema.migrations` in order, each in its own transaction, under an advisory
/// lock so that two HQ processes (or `hq db migrate` run twice) never apply one twice.
enum PostgresMigrator {
    /// The advisory lock key of schema changes ("CSMG").
    static let lockKey: Int64 = 0x4353_4D47

    struct Status: Sendable {
        var applied: [(version: Int, name: String, appliedAt: Date)]
        var pending: [(version: Int, name: String)]
    }

    static func status(_ client: PostgresClient, logger: Logger) async throws -> Status {
        try await client.withConnection { connection in
            var applied: [(Int, String, Date)] = []
            guard try await hasTable(connection, logger: logger) else {
                return Status(applied: [], pending: PostgresSchema.migrations.map { ($0.version, $0.name) })
            }
            for try await (version, name, at) in try await connection.query("SELECT version, name, applied_at FROM schema_migration ORDER BY version",
                                                                             logger: logger).decode((Int, String, Int64).self) {
                applied.append((version, name, Date(timeIntervalSince1970: Double(at))))
            }
            let done = Set(applied.map(\.0))
            return Status(applied: applied.map { ($0.0, $0.1, $0.2) },
                          pending: PostgresSchema.migrations.filter { !done.contains($0.version) }.map { ($0.version, $0.name) })
        }
    }

    /// Applies what is pending; returns the versions applied.
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger, now: Date = Date()) async throws -> [Int] {
        try await client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger).collect()
            do {
                try await ensureTable(connection, logger: logger)
                var applied: [Int] = []
                var done = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migration", logger: logger).decode(Int.self) {
                    done.insert(version)
                }
                for migration in PostgresSchema.migrations where !done.contains(migration.version) {
                    try await connection.transaction(logger: logger) { connection in
                        for statement in SQLStatements.split(migration.sql) {
                            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                        }
                        _ = try await connection.query("""
                            INSERT INTO schema_migration (version, name, applied_at) VALUES (\(migration.version), \(migration.name), \(Int64(now.timeIntervalSince1970)))
                            """, logger: logger).collect()
                    }
                    applied.append(migration.version)
                }
                _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger).collect()
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger).collect()
                throw error
            }
        }
    }

    static func hasTable(_ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await exists in try await connection.query("SELECT to_regclass('schema_migration') IS NOT NULL", logger: logger).decode(Bool.self) {
            return exists
        }
        return false
    }

    static func ensureTable(_ connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)
            """, logger: logger).collect()
    }
}
