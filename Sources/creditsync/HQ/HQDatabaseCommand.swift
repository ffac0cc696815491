import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers

struct HQDatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "HQ's PostgreSQL schema: apply migrations, show what is applied.",
        subcommands: [Migrate.self, Status.self]
    )

    struct Migrate: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply pending schema migrations (each in its own transaction, under a lock; safe beside running HQ processes)."
        )

        @Option(help: "HQ's PostgreSQL database, postgres://USER@HOST:PORT/DB.")
        var database: String

        func execute() async throws {
            let storage = try await HQStorageDrivers.administer(database: database)
            let applied = try await storage.migrate()
            try await storage.close()
            Output.line(applied.isEmpty ? "\(storage.location): the schema is up to date" : "\(storage.location): applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }

    struct Status: OperatorCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show applied and pending migrations and the partitions per table.")

        @Option(help: "HQ's PostgreSQL database, postgres://USER@HOST:PORT/DB.")
        var database: String

        func execute() async throws {
            let storage = try await HQStorageDrivers.administer(database: database)
            let status = try await storage.schemaStatus()
            try await storage.close()
            let formatter = ISO8601DateFormatter()
            Output.line("database \(storage.location)")
            for migration in status.applied {
                Output.line("  applied \(migration.version) \(migration.name) at \(formatter.string(from: migration.appliedAt))")
            }
            for migration in status.pending {
                Output.line("  pending \(migration.version) \(migration.name)")
            }
            for (table, count) in status.partitions.sorted(by: { $0.key < $1.key }) {
                Output.line("  \(table): \(count) province partitions")
            }
            if !status.pending.isEmpty { throw ExitCode(ExitCodes.configuration) }
        }
    }
}
