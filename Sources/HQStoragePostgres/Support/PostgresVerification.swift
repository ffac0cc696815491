import Foundation
import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// What a mirror's and a feed's `fsck` share: one read-only snapshot, and the stored checkpoints
/// verified with the log's keys and compared with their own columns.
enum PostgresVerification {
    /// Runs `body` in one REPEATABLE READ snapshot; a `VerificationFailure` becomes `corrupt(failure)`.
    static func inSnapshot<T: Sendable>(_ client: PostgresClient, logger: Logger, corrupt: @escaping @Sendable (VerificationFailure) -> HQStorageError,
                                        _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.run("COMMIT", logger: logger)
                return result
            } catch let failure as VerificationFailure {
                try? await connection.run("ROLLBACK", logger: logger)
                throw corrupt(failure)
            } catch {
                try? await connection.run("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Checkpoint rows (`size, root, note, stored_at` or `seen_at`) of a query.
    static func checkpointRows(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [StoredCheckpoint] {
        var result: [StoredCheckpoint] = []
        for try await (size, root, note, storedAt) in try await connection.query(query, logger: logger).decode((Int64, ByteBuffer, String, Int64).self) {
            result.append(StoredCheckpoint(size: try PostgresValue.size(size), root: try PostgresValue.hash(root), note: note, storedAt: PostgresValue.date(storedAt)))
        }
        return result
    }
}
