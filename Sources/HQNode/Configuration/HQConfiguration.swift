import Foundation
import LedgerCore

/// Settings of `creditsync hq serve`: from a JSON config file and/or flags of the same names
/// (flags win). Every key is documented in ops/README.md.
public struct HQConfiguration: Sendable, Equatable {
    /// The HQ data directory (`hq init --data`).
    public var data: String
    /// Address to listen on, `HOST:PORT`; port 0 picks a free one.
    public var listen: String = "0.0.0.0:8443"
    /// HQ's TLS certificate chain (PEM), its private key (PEM), and the CA that issued province
    /// certificates (PEM): only clients with a certificate from this CA get past the handshake.
    public var cert: String
    public var key: String
    public var ca: String
    /// Upper bound on the uncompressed bytes of one upload request.
    public var maxUploadBytes: Int64 = 8 << 30
    /// Entries per mirror commit (each commit is one transaction).
    public var commitEntries: Int = 4096
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel: String = "info"

    /// The keys a config file may hold; all optional there, but `data`, `cert`, `key` and `ca`
    /// must come from the file or a flag.
    public struct File: Decodable, Sendable {
        public var data: String?
        public var listen: String?
        public var cert: String?
        public var key: String?
        public var ca: String?
        public var maxUploadBytes: Int64?
        public var commitEntries: Int?
        public var logLevel: String?

        enum CodingKeys: String, CodingKey {
            case data, listen, cert, key, ca
            case maxUploadBytes = "max_upload_bytes"
            case commitEntries = "commit_entries"
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
        data = try required("data", flags.data ?? file.data)
        cert = try required("cert", flags.cert ?? file.cert)
        key = try required("key", flags.key ?? file.key)
        ca = try required("ca", flags.ca ?? file.ca)
        listen = flags.listen ?? file.listen ?? listen
        maxUploadBytes = flags.maxUploadBytes ?? file.maxUploadBytes ?? maxUploadBytes
        commitEntries = flags.commitEntries ?? file.commitEntries ?? commitEntries
        logLevel = flags.logLevel ?? file.logLevel ?? logLevel
        _ = try listenAddress
        guard maxUploadBytes > 0 else {
            throw HQError(.configuration, "max_upload_bytes must be positive, got \(maxUploadBytes)", hint: "use e.g. 8589934592 (8 GiB)")
        }
        guard (1...1_000_000).contains(commitEntries) else {
            throw HQError(.configuration, "commit_entries must be between 1 and 1000000, got \(commitEntries)", hint: "the default 4096 suits most disks")
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw HQError(.configuration, "log_level \"\(logLevel)\" is not a log level", hint: "use trace, debug, info, notice, warning, error or critical")
        }
        for (name, path) in [("cert", cert), ("key", key), ("ca", ca)] where !FileManager.default.isReadableFile(atPath: path) {
            throw HQError(.configuration, "\(name) file \(path) is not readable", hint: "point \(name) at a PEM file; `creditsync pki issue` makes them")
        }
    }

    /// `listen` split into host and port.
    public var listenAddress: (host: String, port: Int) {
        get throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw HQError(.configuration, "listen \"\(listen)\" is not HOST:PORT", hint: "e.g. 0.0.0.0:8443, or 127.0.0.1:0 for a free port")
            }
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host.isEmpty ? "0.0.0.0" : host, port)
        }
    }
}
