import Foundation
import LedgerCore
import NationalCrypto

/// Settings of `creditsync province sync`: a JSON config file and/or flags of the same names
/// (flags win). Every key is documented in ops/README.md.
public struct SyncConfiguration: Sendable, Equatable {
    /// HQ's base URL, e.g. `https://hq.samr.example:8443`.
    public var hqURL: String
    /// This province's client certificate (PEM, carrying SAN URI creditsync:province:<code>),
    /// its private key (PEM), and the CA to trust for HQ's server certificate (PEM) — only it.
    public var cert: String
    public var key: String
    public var ca: String
    /// HQ's cosigner verifier key string: receipts must verify with it.
    public var hqKey: String
    /// The verifier key of HQ's feed to this province (`hq enroll` prints it): with it, a sync
    /// also receives central risk information; without it, the feed is not read.
    public var hqFeedKey: String?
    /// Compress uploads with gzip.
    public var gzip: Bool = true
    /// Seconds a request may take before it is abandoned (a resumed sync continues where it stopped).
    public var timeoutSeconds: Int = 600
    /// Attempts after a conflict or an interrupted upload before giving up.
    public var retries: Int = 5
    /// Oldest HQ view of the feed (the time of HQ's cosignature in a delivery) a sync accepts,
    /// and `province status` calls current: older, HQ may be withholding or an answer replayed.
    public var feedViewMaxAgeSeconds: Int = SyncConfiguration.defaultFeedViewMaxAge
    public static let defaultFeedViewMaxAge = 172_800

    public struct File: Decodable, Sendable {
        public var hqURL: String?
        public var cert: String?
        public var key: String?
        public var ca: String?
        public var hqKey: String?
        public var hqFeedKey: String?
        public var gzip: Bool?
        public var timeoutSeconds: Int?
        public var retries: Int?
        public var feedViewMaxAgeSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case cert, key, ca, gzip, retries
            case feedViewMaxAgeSeconds = "feed_view_max_age_seconds"
            case hqURL = "hq_url"
            case hqKey = "hq_key"
            case hqFeedKey = "hq_feed_key"
            case timeoutSeconds = "timeout_seconds"
        }

        public init() {}

        public static func load(_ path: String) throws -> File {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ProvinceNodeError(.configuration, "cannot read the config file \(path)", hint: "check the --config path")
            }
            do {
                return try JSONDecoder().decode(File.self, from: data)
            } catch {
                throw ProvinceNodeError(.configuration, "\(path) is not a valid province sync config: \(error)",
                                        hint: "see ops/province.example.json for the keys and their types")
            }
        }
    }

    public init(file: File, flags: File) throws {
        func required(_ name: String, _ value: String?) throws -> String {
            guard let value, !value.isEmpty else {
                throw ProvinceNodeError(.configuration, "missing setting \(name)",
                                        hint: "set \"\(name)\" in the config file or pass --\(name.replacingOccurrences(of: "_", with: "-"))")
            }
            return value
        }
        hqURL = try required("hq_url", flags.hqURL ?? file.hqURL)
        cert = try required("cert", flags.cert ?? file.cert)
        key = try required("key", flags.key ?? file.key)
        ca = try required("ca", flags.ca ?? file.ca)
        hqKey = try required("hq_key", flags.hqKey ?? file.hqKey)
        hqFeedKey = flags.hqFeedKey ?? file.hqFeedKey
        gzip = flags.gzip ?? file.gzip ?? gzip
        timeoutSeconds = flags.timeoutSeconds ?? file.timeoutSeconds ?? timeoutSeconds
        retries = flags.retries ?? file.retries ?? retries
        feedViewMaxAgeSeconds = flags.feedViewMaxAgeSeconds ?? file.feedViewMaxAgeSeconds ?? feedViewMaxAgeSeconds
        guard (60...31_536_000).contains(feedViewMaxAgeSeconds) else {
            throw ProvinceNodeError(.configuration, "feed_view_max_age_seconds must be from 60 to 31536000", hint: "the default is \(Self.defaultFeedViewMaxAge) (two days)")
        }
        guard let url = URL(string: hqURL), url.scheme == "https", url.host != nil else {
            throw ProvinceNodeError(.configuration, "hq_url \"\(hqURL)\" is not an https URL", hint: "e.g. https://hq.samr.example:8443")
        }
        if hqURL.hasSuffix("/") { hqURL.removeLast() }
        do {
            _ = try Cosignatures.verifier(forKey: hqKey)
        } catch {
            throw ProvinceNodeError(.configuration, "hq_key is not HQ's cosigner verifier key: \(error)",
                                    hint: "copy it from HQ's cosigner.pub, or cosigner-sm2.pub for an sm3-sm2 ledger (`creditsync hq init` prints both)")
        }
        if let hqFeedKey {
            do {
                let key = try VerifierKey(parsing: hqFeedKey)
                guard key.name.hasPrefix("creditsync.samr/hq/feed/") else { throw LedgerCoreError(.malformedKey, "named \(key.name), not creditsync.samr/hq/feed/<province>") }
            } catch {
                throw ProvinceNodeError(.configuration, "hq_feed_key is not HQ's feed verifier key: \(error)",
                                        hint: "copy it from the output of `creditsync hq enroll` for this province")
            }
        }
        guard (1...86_400).contains(timeoutSeconds) else {
            throw ProvinceNodeError(.configuration, "timeout_seconds must be between 1 and 86400, got \(timeoutSeconds)", hint: "the default is 600")
        }
        guard (0...100).contains(retries) else {
            throw ProvinceNodeError(.configuration, "retries must be between 0 and 100, got \(retries)", hint: "the default is 5")
        }
        for (name, path) in [("cert", cert), ("key", key), ("ca", ca)] where !FileManager.default.isReadableFile(atPath: path) {
            throw ProvinceNodeError(.configuration, "\(name) file \(path) is not readable", hint: "point \(name) at a PEM file; `creditsync pki issue` makes them")
        }
    }
}
