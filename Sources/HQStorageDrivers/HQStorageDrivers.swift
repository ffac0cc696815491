import Foundation
public import HQStorage
import HQStoragePostgres
import HQStorageSQLite

/// The one place that turns a `StorageLocation` into a backend. Everything above the storage
/// seam (HQ's server, its audit, the CLI, the tests' fixtures, the benches) opens storage here
/// and sees only `any HQStorage`; adding a backend is a driver module, a `StorageLocation` case
/// and a branch in each function below, plus its run of the conformance suites.
public enum HQStorageDrivers {
    /// Creates HQ's storage at `location` (`hq init`): a new data directory, refused if it already
    /// holds HQ data; or a database whose schema is migrated to this build's (an initialized
    /// database is recognised by its recorded cosigner key, which the caller checks).
    public static func create(_ location: StorageLocation) async throws -> any HQStorage {
        switch location {
        case .directory(let directory):
            return try SQLiteHQStorage.create(at: directory)
        case .database(let url):
            let storage = try await PostgresHQStorage.open(url: url, requireSchema: false)
            do {
                try await storage.migrate()
                return storage
            } catch {
                try? await storage.close()
                throw error
            }
        }
    }

    /// Opens existing storage; a database must have this build's schema.
    public static func open(_ location: StorageLocation) async throws -> any HQStorage {
        switch location {
        case .directory(let directory): try SQLiteHQStorage.open(at: directory)
        case .database(let url): try await PostgresHQStorage.open(url: url)
        }
    }

    /// Opens a database whatever its schema, for `hq db migrate` and `hq db status`.
    public static func administer(database url: String) async throws -> any SchemaAdministration {
        try await PostgresHQStorage.open(url: url, requireSchema: false)
    }
}
