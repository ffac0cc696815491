import Foundation
public import HQStorage
import LedgerCore

/// Settings of `creditsync hq serve`: from a JSON config file and/or flags of the same names
/// (flags win), with defaults, validated before start. Every key is documented in ops/README.md.
public struct HQConfiguration: Sendable, Equatable {
    /// The HQ data directory (`hq init --data`): embedded SQLite storage and, unless `keys` says
    /// otherwise, HQ's keys. Exactly one of `data` and `database_url` is set.
    public var data: String?
    /// PostgreSQL storage shared by several HQ processes (`hq init --database`).
    public var databaseURL: String?
    /// Directory of HQ's keys (`cosigner.key`); defaults to `data`; required with `database_url`.
    public var keys: String?
    /// Address of the province listener (mutual TLS), `HOST:PORT`; port 0 picks a free one.
    public var listen: String = "0.0.0.0:8443"
    /// Address of the operator listener (plain HTTP: `/healthz`, `/metrics`); loopback by
    /// default, since it shows every province's figures. Empty turns it off.
    public var operatorListen: String = "127.0.0.1:9090"
    /// HQ's TLS certificate chain (PEM), its private key (PEM), and the CA that issued province
    /// certificates (PEM): only clients with a certificate from this CA get past the handshake.
    public var cert: String
    public var key: String
    public var ca: String
    /// Upper bound on the uncompressed bytes of one upload request.
    public var maxUploadBytes: Int64 = 8 << 30
    /// Entries per mirror commit (each commit is one transaction).
    public var commitEntries: Int = 4096
    /// Canonical bytes per mirror commit, whichever of the two comes first: bounds each upload's
    /// memory (one batch waiting, one being written).
    public var commitBytes: Int = 1 << 20
    /// Canonical bytes that all uploads of this process may hold at once, waiting for or inside
    /// a commit (`CommitBudget`): one upload alone is not slowed, many at once share it, so HQ's
    /// memory does not grow with the number of concurrent uploads.
    public var uploadBufferBytes: Int = 8 << 20
    /// Seconds a TLS handshake may take before the connection is closed.
    public var handshakeTimeoutSeconds: Int = 10
    /// Seconds a connection may stay silent (between requests, or while sending one) before it
    /// is closed.
    public var idleTimeoutSeconds: Int = 120
    /// Seconds an upload may wait for the next bytes from its province; then HQ commits what it
    /// verified, releases the province and closes the connection.
    public var uploadIdleTimeoutSeconds: Int = 60
    /// Connections served at once; more wait in the listen backlog.
    public var maxConnections: Int = 512
    /// Refused requests HQ records as events per province and minute; the rest are counted only.
    public var refusalEventsPerMinute: Int = 30
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel: String = "info"

    /// The keys a config file may hold; all optional there, but `data`, `cert`, `key` and `ca`
    /// must come from the file or a flag.
    public struct File: Decodable, Sendable {
        public var data: String?
        public var databaseURL: String?
        public var keys: String?
        public var listen: String?
        public var operatorListen: String?
        public var cert: String?
        public var key: String?
        public var ca: String?
        public var maxUploadBytes: Int64?
        public var commitEntries: Int?
        public var commitBytes: Int?
        public var uploadBufferBytes: Int?
        public var handshakeTimeoutSeconds: Int?
        public var idleTimeoutSeconds: Int?
        public var uploadIdleTimeoutSeconds: Int?
        public var maxConnections: Int?
        public var refusalEventsPerMinute: Int?
        public var logLevel: String?

        enum CodingKeys: String, CodingKey {
            case data, keys, listen, cert, key, ca
            case databaseURL = "database_url"
            case operatorListen = "operator_listen"
            case maxUploadBytes = "max_upload_bytes"
            case commitEntries = "commit_entries"
            case commitBytes = "commit_bytes"
            case uploadBufferBytes = "upload_buffer_bytes"
            case handshakeTimeoutSeconds = "handshake_timeout_seconds"
            case idleTimeoutSeconds = "idle_timeout_seconds"
            case uploadIdleTimeoutSeconds = "upload_idle_timeout_seconds"
            case maxConnections = "max_connections"
            case refusalEventsPerMinute = "refusal_events_per_minute"
            case logLevel = "log_level"
        }

        public init() {}

        public static func load(_ path: String) throws -> File {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw HQError(.configuration, "cannot read the config file \(path)", hint: "check the --config path")
            }
            do {
                return try JSONDecoder().decode(File.self, from: data)
            } catch {
                throw HQError(.configuration, "\(path) is not a valid HQ config: \(error)",
                              hint: "see ops/hq.example.json for the keys and their types")
            }
        }
    }

    /// Merges the file and the flags (flags win), fills defaults and validates.
    public init(file: File, flags: File) throws {
        func required(_ name: String, _ value: String?) throws -> String {
            guard let value, !value.isEmpty else {
                throw HQError(.configuration, "missing setting \(name)", hint: "set \"\(name)\" in the config file or pass --\(name.replacingOccurrences(of: "_", with: "-"))")
            }
            return value
        }
        data = flags.data ?? file.data
        databaseURL = flags.databaseURL ?? file.databaseURL
        keys = flags.keys ?? file.keys
        cert = try required("cert", flags.cert ?? file.cert)
        key = try required("key", flags.key ?? file.key)
        ca = try required("ca", flags.ca ?? file.ca)
        listen = flags.listen ?? file.listen ?? listen
        operatorListen = flags.operatorListen ?? file.operatorListen ?? operatorListen
        maxUploadBytes = flags.maxUploadBytes ?? file.maxUploadBytes ?? maxUploadBytes
        commitEntries = flags.commitEntries ?? file.commitEntries ?? commitEntries
        commitBytes = flags.commitBytes ?? file.commitBytes ?? commitBytes
        uploadBufferBytes = flags.uploadBufferBytes ?? file.uploadBufferBytes ?? uploadBufferBytes
        handshakeTimeoutSeconds = flags.handshakeTimeoutSeconds ?? file.handshakeTimeoutSeconds ?? handshakeTimeoutSeconds
        idleTimeoutSeconds = flags.idleTimeoutSeconds ?? file.idleTimeoutSeconds ?? idleTimeoutSeconds
        uploadIdleTimeoutSeconds = flags.uploadIdleTimeoutSeconds ?? file.uploadIdleTimeoutSeconds ?? uploadIdleTimeoutSeconds
        maxConnections = flags.maxConnections ?? file.maxConnections ?? maxConnections
        refusalEventsPerMinute = flags.refusalEventsPerMinute ?? file.refusalEventsPerMinute ?? refusalEventsPerMinute
        logLevel = flags.logLevel ?? file.logLevel ?? logLevel
        if data != nil, databaseURL != nil {
            throw HQError(.configuration, "both data and database_url are set", hint: "HQ stores everything in one place: a data directory (SQLite) or a PostgreSQL database")
        }
        guard data != nil || databaseURL != nil else {
            throw HQError(.configuration, "missing setting data (or database_url)",
                          hint: "set \"data\" to the directory `hq init` made, or \"database_url\" to HQ's PostgreSQL database")
        }
        guard keyDirectory != nil else {
            throw HQError(.configuration, "missing setting keys", hint: "with database_url, set \"keys\" to the directory holding cosigner.key (the same on every HQ process)")
        }
        _ = try Self.address(listen, name: "listen")
        if !operatorListen.isEmpty { _ = try Self.address(operatorListen, name: "operator_listen") }
        try Self.range("max_upload_bytes", maxUploadBytes, 1...Int64.max, hint: "use e.g. 8589934592 (8 GiB)")
        try Self.range("commit_entries", Int64(commitEntries), 1...1_000_000, hint: "the default 4096 suits most disks")
        try Self.range("commit_bytes", Int64(commitBytes), 65_536...1 << 30, hint: "the default 1048576 (1 MiB) suits most disks")
        try Self.range("upload_buffer_bytes", Int64(uploadBufferBytes), 1 << 20...1 << 34, hint: "the default 8388608 (8 MiB) keeps memory flat")
        try Self.range("handshake_timeout_seconds", Int64(handshakeTimeoutSeconds), 1...600, hint: "the default is 10")
        try Self.range("idle_timeout_seconds", Int64(idleTimeoutSeconds), 1...86_400, hint: "the default is 120")
        try Self.range("upload_idle_timeout_seconds", Int64(uploadIdleTimeoutSeconds), 1...86_400, hint: "the default is 60")
        try Self.range("max_connections", Int64(maxConnections), 1...1_000_000, hint: "the default is 512")
        try Self.range("refusal_events_per_minute", Int64(refusalEventsPerMinute), 0...1_000_000, hint: "the default is 30")
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw HQError(.configuration, "log_level \"\(logLevel)\" is not a log level", hint: "use trace, debug, info, notice, warning, error or critical")
        }
        for (name, path) in [("cert", cert), ("key", key), ("ca", ca)] where !FileManager.default.isReadableFile(atPath: path) {
            throw HQError(.configuration, "\(name) file \(path) is not readable", hint: "point \(name) at a PEM file; `creditsync pki issue` makes them")
        }
    }

    /// Where HQ's keys live.
    public var keyDirectory: String? { keys ?? data }

    /// Where HQ's data lives: the database when `database_url` is set, else the data directory.
    public var location: StorageLocation {
        get throws {
            if let databaseURL { return .database(databaseURL) }
            guard let data else {
                throw HQError(.configuration, "missing setting data", hint: "set \"data\" to the directory `hq init` made")
            }
            return .directory(URL(fileURLWithPath: data))
        }
    }

    /// `listen` split into host and port.
    public var listenAddress: (host: String, port: Int) {
        get throws { try Self.address(listen, name: "listen") }
    }

    /// `operator_listen` split into host and port; nil when the operator listener is off.
    public var operatorAddress: (host: String, port: Int)? {
        get throws { operatorListen.isEmpty ? nil : try Self.address(operatorListen, name: "operator_listen") }
    }

    static func address(_ text: String, name: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw HQError(.configuration, "\(name) \"\(text)\" is not HOST:PORT", hint: "e.g. 0.0.0.0:8443, or 127.0.0.1:0 for a free port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    static func range(_ name: String, _ value: Int64, _ range: ClosedRange<Int64>, hint: String) throws {
        guard range.contains(value) else {
            throw HQError(.configuration, "\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)", hint: hint)
        }
    }
}
