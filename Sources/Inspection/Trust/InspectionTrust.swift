public import Foundation
public import LedgerCore

/// The keys an inspector trusts, as HQ exports them (`creditsync hq keys export`, `trust.json`):
/// HQ's receipt keys and, per enrolled province, its log's origin, suite and every log key HQ
/// enrolled. Bundles are verified against this file, never against the keys a bundle carries
/// (Protocol/inspection.md §3). The file is handed over by a channel the inspector trusts.
public struct InspectionTrust: Sendable, Equatable {
    public static let format = "creditsync/trust/v1"
    /// A trust file is a few keys per province; anything larger is not one.
    public static let maximumBytes = 4 << 20

    public struct LogKey: Sendable, Equatable {
        public var verifierKey: String
        public var fromSize: UInt64

        public init(verifierKey: String, fromSize: UInt64) {
            self.verifierKey = verifierKey
            self.fromSize = fromSize
        }
    }

    public struct Province: Sendable, Equatable {
        public var province: String
        public var origin: String
        public var suite: SuiteID
        /// Oldest first, as enrolled (rotations included).
        public var logKeys: [LogKey]
        /// HQ's feed verifier key for this province (its suite, named by the feed's origin).
        public var feedKey: String

        public init(province: String, origin: String, suite: SuiteID, logKeys: [LogKey], feedKey: String) {
            self.province = province
            self.origin = origin
            self.suite = suite
            self.logKeys = logKeys
            self.feedKey = feedKey
        }
    }

    /// When HQ exported it (RFC 3339), for people.
    public var exportedAt: String
    /// HQ's receipt (cosigner) verifier keys, one per suite, revoked ones left out.
    public var cosignerKeys: [String]
    public var provinces: [Province]

    public init(exportedAt: String, cosignerKeys: [String], provinces: [Province]) {
        self.exportedAt = exportedAt
        self.cosignerKeys = cosignerKeys
        self.provinces = provinces.sorted { $0.province < $1.province }
    }

    public func province(origin: String) -> Province? { provinces.first { $0.origin == origin } }

    public var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("exported_at", .string(exportedAt)),
            .init("hq", .object([.init("cosigner_keys", .array(cosignerKeys.map { .string($0) }))])),
            .init("provinces", .array(provinces.map { province in
                .object([
                    .init("province", .string(province.province)),
                    .init("origin", .string(province.origin)),
                    .init("suite", .string(province.suite.rawValue)),
                    .init("log_keys", .array(province.logKeys.map {
                        .object([.init("verifier_key", .string($0.verifierKey)), .init("from_size", .number(Double($0.fromSize)))])
                    })),
                    .init("feed_key", .string(province.feedKey)),
                ])
            })),
        ])
    }

    public init(json value: JSONValue) throws(InspectionError) {
        let reader = JSONReader(value: value, what: "trust file")
        guard try reader.string("format") == Self.format else {
            throw InspectionError(.trust, "not a \(Self.format) file", hint: "give the file `creditsync hq keys export` wrote")
        }
        exportedAt = try reader.string("exported_at")
        cosignerKeys = try reader.object("hq").array("cosigner_keys").map { item throws(InspectionError) in
            guard case .string(let key) = item.value else { throw item.malformed("holds a key that is not a string") }
            return key
        }
        provinces = try reader.array("provinces").map { item throws(InspectionError) in
            guard let suite = SuiteID(rawValue: try item.string("suite")) else { throw item.malformed("names an unknown suite") }
            return Province(province: try item.string("province"), origin: try item.string("origin"), suite: suite,
                            logKeys: try item.array("log_keys").map { key throws(InspectionError) in
                                LogKey(verifierKey: try key.string("verifier_key"), fromSize: try key.integer("from_size"))
                            }, feedKey: try item.string("feed_key"))
        }
        for key in cosignerKeys {
            guard (try? VerifierKey(parsing: key)) != nil else {
                throw InspectionError(.trust, "the trust file's HQ key \"\(key.prefix(80))\" is not a verifier key", hint: "export the trust file again with `creditsync hq keys export`")
            }
        }
    }

    /// Reads a trust file: canonical JSON of at most `maximumBytes`.
    public static func read(_ url: URL) throws(InspectionError) -> InspectionTrust {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw InspectionError(.trust, "cannot read the trust file \(url.path)", hint: "give the file `creditsync hq keys export --out FILE` wrote")
        }
        guard data.count <= maximumBytes else {
            throw InspectionError(.trust, "the trust file \(url.path) is larger than \(maximumBytes) bytes", hint: "give the file `creditsync hq keys export` wrote")
        }
        guard let value = try? JSONParser.parse(Array(data)) else {
            throw InspectionError(.trust, "the trust file \(url.path) is not JSON", hint: "give the file `creditsync hq keys export` wrote")
        }
        return try InspectionTrust(json: value)
    }

    /// The key history HQ enrolled for `origin`, as a log of `suite`.
    public func keyHistory(origin: String, suite: Suite) throws(InspectionError) -> LogKeyHistory {
        guard let province = province(origin: origin) else {
            throw InspectionError(.trust, "\(origin) is not a log HQ enrolled (the trust file exported \(exportedAt) has no such origin)",
                                  hint: "only an enrolled province's log can be inspected; export the trust file again if it was enrolled since")
        }
        guard province.suite == suite.id else {
            throw InspectionError(.trust, "\(origin) is enrolled as a \(province.suite.rawValue) log, not \(suite.id.rawValue)", hint: "the bundle is not of the enrolled log")
        }
        do {
            return try LogKeyHistory(province.logKeys.map { ($0.verifierKey, $0.fromSize) }, suite: suite)
        } catch {
            throw InspectionError(.trust, "the trust file's keys of \(origin) are not a key history: \(error.message)", hint: "export the trust file again with `creditsync hq keys export`")
        }
    }
}

extension VerifierKey {
    /// `name` and the key id in hex, as `inspect verify` prints a key.
    public var described: String { "\(name) (key id \(String(format: "%08x", keyID)))" }
}
