public import LedgerCore

/// What a ledger file says about itself, stored in `ledger_meta` at creation and never changed.
public struct LedgerMetadata: Sendable, Equatable {
    /// A province's own ledger, HQ's mirror of one (an earlier format), or HQ's feed to one
    /// (DESIGN §7: HQ's own signed log of central-origin records for a province).
    public enum Role: String, Sendable {
        case province
        case mirror
        case feed
    }

    public static let formatVersion = 1

    public var suite: SuiteID
    public var origin: String
    public var province: String
    public var role: Role
    /// The log's note verifier key string (its key name is the origin).
    public var verifierKey: String

    public init(suite: SuiteID, origin: String, province: String, role: Role, verifierKey: String) {
        self.suite = suite
        self.origin = origin
        self.province = province
        self.role = role
        self.verifierKey = verifierKey
    }

    var rows: [(String, String)] {
        [
            ("format_version", String(Self.formatVersion)),
            ("suite", suite.rawValue),
            ("origin", origin),
            ("province", province),
            ("role", role.rawValue),
            ("verifier_key", verifierKey),
        ]
    }

    init(rows: [String: String], path: String) throws(LedgerStoreError) {
        func value(_ key: String) throws(LedgerStoreError) -> String {
            guard let value = rows[key] else {
                throw LedgerStoreError(.notALedger, "\(path) has no \(key) in its metadata", hint: "point at a ledger created by `creditsync province init`")
            }
            return value
        }
        guard try value("format_version") == String(Self.formatVersion) else {
            throw LedgerStoreError(.notALedger, "\(path) has ledger format \(rows["format_version"] ?? "?"), this build reads \(Self.formatVersion)",
                                   hint: "use the CreditSync release that created this ledger")
        }
        guard let suite = SuiteID(rawValue: try value("suite")) else {
            throw LedgerStoreError(.wrongSuite, "\(path) uses suite \(rows["suite"] ?? "?"), which this build does not know", hint: "use a CreditSync build with that suite")
        }
        guard let role = Role(rawValue: try value("role")) else {
            throw LedgerStoreError(.notALedger, "\(path) has unknown role \(rows["role"] ?? "?")", hint: "point at a ledger created by CreditSync")
        }
        self.init(suite: suite, origin: try value("origin"), province: try value("province"), role: role, verifierKey: try value("verifier_key"))
    }
}
