import ArgumentParser
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers

/// Where HQ's data lives, for the `hq` commands that open it: a data directory (embedded
/// SQLite) or a PostgreSQL database, and the directory of HQ's keys.
struct HQDataOptions: ParsableArguments {
    @Option(help: "HQ's data directory (embedded SQLite storage and, by default, HQ's keys).")
    var data: String?

    @Option(help: "HQ's PostgreSQL database, postgres://USER@HOST:PORT/DB (instead of --data; needs --keys).")
    var database: String?

    @Option(help: "Directory of HQ's keys (cosigner.key); defaults to --data.")
    var keys: String?

    func validate() throws {
        guard (data == nil) != (database == nil) else { throw ValidationError("give exactly one of --data DIR and --database URL") }
        if database != nil, keys == nil { throw ValidationError("--database needs --keys DIR (the directory of HQ's cosigner key)") }
    }

    var location: HQData.Location {
        if let database { return .database(database) }
        return .directory(URL(fileURLWithPath: data ?? "."))
    }

    var keyDirectory: URL? { keys.map { URL(fileURLWithPath: $0) } }

    /// Opens HQ's data for `body` and closes it after (connections, files), whatever happens.
    func with<T>(_ body: (HQData) async throws -> T) async throws -> T {
        let data = try await HQData.open(location, keys: keyDirectory)
        do {
            let result = try await body(data)
            try await data.storage.close()
            return result
        } catch {
            try? await data.storage.close()
            throw error
        }
    }
}

/// Where HQ's data lives, for the `hq` commands that need its storage but not its keys.
struct HQStorageOptions: ParsableArguments {
    @Option(help: "HQ's data directory (embedded SQLite storage).")
    var data: String?

    @Option(help: "HQ's PostgreSQL database, postgres://USER@HOST:PORT/DB (instead of --data).")
    var database: String?

    func validate() throws {
        guard (data == nil) != (database == nil) else { throw ValidationError("give exactly one of --data DIR and --database URL") }
    }

    var location: HQData.Location {
        if let database { return .database(database) }
        return .directory(URL(fileURLWithPath: data ?? "."))
    }

    /// Opens HQ's storage, and the standby at `standby` if given, for `body`: what to read (the
    /// standby, else HQ's storage) and where audits are kept (always HQ's storage).
    func with<T>(standby: String?, _ body: (any HQStorage, any AuditStore) async throws -> T) async throws -> T {
        try await with { primary in
            guard let standby else { return try await body(primary, primary.audits) }
            let replica = try await HQStorageDrivers.open(.database(standby))
            do {
                let result = try await body(replica, primary.audits)
                try await replica.close()
                return result
            } catch {
                try? await replica.close()
                throw error
            }
        }
    }

    /// Opens HQ's storage for `body` and closes it after, whatever happens.
    func with<T>(_ body: (any HQStorage) async throws -> T) async throws -> T {
        let storage = try await HQStorageDrivers.open(location)
        do {
            let result = try await body(storage)
            try await storage.close()
            return result
        } catch {
            try? await storage.close()
            throw error
        }
    }
}
