public import Foundation
import HQStorage
import LedgerCore
import NIOSSL
public import PostgresNIO

/// A `postgres://` connection URL, as operators write it in `database_url`:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`, or a Unix
/// socket with `postgres://USER@/DATABASE?host=/run/postgresql`. The password may also come from
/// the `PGPASSWORD` environment variable, so it need not be in a config file.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String?
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    public var sslMode: String

    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw HQStorageError(.unavailable, "database_url is not a postgres:// URL", hint: "e.g. postgres://creditsync@db.samr.example:5432/creditsync")
        }
        user = components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        password = components.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? (socketDirectory == nil ? "127.0.0.1" : nil)
        port = components.port ?? Int(query["port"] ?? "") ?? 5432
        database = String(components.path.drop { $0 == "/" })
        sslMode = query["sslmode"] ?? "prefer"
        guard !database.isEmpty else {
            throw HQStorageError(.unavailable, "database_url names no database", hint: "end the URL with /DATABASE")
        }
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw HQStorageError(.unavailable, "sslmode \(sslMode) is not disable, prefer or require", hint: "use sslmode=require for a database off this host")
        }
    }

    /// Without the password.
    public var description: String {
        let location = socketDirectory.map { "?host=\($0)" } ?? "\(host ?? ""):\(port)"
        return socketDirectory == nil ? "postgres://\(user)@\(location)/\(database)" : "postgres://\(user)@/\(database)\(location)"
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
            configuration = .init(host: host ?? "127.0.0.1", port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = 40
        return configuration
    }
}
