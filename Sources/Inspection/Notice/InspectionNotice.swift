public import LedgerCore

/// What HQ fixes before it sees the data (Protocol/inspection.md §1): the province, the strata
/// and their counts, the claimed fixes, the scope, the rules file, and a commitment to a secret.
/// It goes into the province's signed feed as an `inspection_notice` entry; the province's
/// cosignature of a feed checkpoint that holds it dates when the province saw it.
public struct InspectionNotice: Sendable, Equatable {
    public static let format = "creditsync/inspection-notice/v1"
    public static let category = "inspection_notice"
    /// The stratum of records whose audit findings the province answered as fixed.
    public static let fixedStratum = "fixed"
    public static let maximumStrata = 64
    public static let maximumPerStratum = 10_000
    public static let maximumClaims = 100_000

    public struct Stratum: Sendable, Equatable {
        public var name: String
        public var count: Int

        public init(name: String, count: Int) {
            self.name = name
            self.count = count
        }
    }

    public var inspectionID: String
    public var province: String
    /// In the order the sample lists them.
    public var strata: [Stratum]
    /// `category/id` of records claimed fixed, sorted and distinct; they form the `fixed`
    /// stratum when the notice has one.
    public var fixedClaims: [String]
    /// Records decided on or after this day (YYYY-MM-DD) are in scope (the audit's three years).
    public var scopeFrom: String
    public var rulesVersion: String
    public var rulesSHA256: String
    /// Hex SHA-256 of the commitment domain and the secret (`commitment(secret:)`).
    public var commitment: String
    /// The day HQ announced it (YYYY-MM-DD, China Standard Time).
    public var announcedOn: String

    public init(inspectionID: String, province: String, strata: [Stratum], fixedClaims: [String], scopeFrom: String, rulesVersion: String,
                rulesSHA256: String, commitment: String, announcedOn: String) throws(InspectionError) {
        self.inspectionID = inspectionID
        self.province = province
        self.strata = strata
        // Sorted and distinct as bytes: canonically equivalent claims are two records.
        self.fixedClaims = Dictionary(fixedClaims.map { (Array($0.utf8), $0) }, uniquingKeysWith: { first, _ in first })
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
        self.scopeFrom = scopeFrom
        self.rulesVersion = rulesVersion
        self.rulesSHA256 = rulesSHA256
        self.commitment = commitment
        self.announcedOn = announcedOn
        try validate()
    }

    public static let commitmentDomain = "creditsync/inspection/commitment/v2"

    /// hex SHA-256(`creditsync/inspection/commitment/v2` 0x0A ‖ secret).
    public static func commitment(secret: [UInt8]) -> String {
        SHA256Algorithm().hash(Array(commitmentDomain.utf8) + [0x0A] + secret).hex
    }

    public var changeID: String { "inspection/\(inspectionID)/notice" }

    func validate() throws(InspectionError) {
        try InspectionPlan.validate(inspectionID: inspectionID)
        func bad(_ message: String) -> InspectionError {
            InspectionError(.usage, message, hint: "see Protocol/inspection.md §1 for what a notice holds")
        }
        guard province.count == 6, province.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw bad("the province \(province) is not a six-digit division code") }
        guard !strata.isEmpty, strata.count <= Self.maximumStrata else { throw bad("a notice names 1 to \(Self.maximumStrata) strata, not \(strata.count)") }
        guard Set(strata.map(\.name)).count == strata.count else { throw bad("a stratum is named twice") }
        for stratum in strata {
            guard !stratum.name.isEmpty, stratum.name.utf8.count <= 64, stratum.name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) else {
                throw bad("\"\(stratum.name)\" is not a category name (lower-case letters, digits, _)")
            }
            guard (1...Self.maximumPerStratum).contains(stratum.count) else {
                throw bad("stratum \(stratum.name) asks for \(stratum.count) records; 1 to \(Self.maximumPerStratum) per stratum")
            }
        }
        guard fixedClaims.count <= Self.maximumClaims else { throw bad("more than \(Self.maximumClaims) claimed fixes") }
        for claim in fixedClaims where !claim.contains("/") || claim.hasPrefix("/") || claim.hasSuffix("/") {
            throw bad("the claimed fix \"\(claim.prefix(80))\" is not category/id")
        }
        guard Self.isDate(scopeFrom), Self.isDate(announcedOn) else { throw bad("scope_from and the announcement day are YYYY-MM-DD") }
        guard Self.isHex(commitment), Self.isHex(rulesSHA256), !rulesVersion.isEmpty else { throw bad("the commitment and the rules hash are 64 hex digits") }
    }

    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }
    }

    static func isHex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    public func count(of stratum: String) -> Int { strata.first { $0.name == stratum }?.count ?? 0 }

    /// The claims that form the `fixed` stratum: none when the notice has no such stratum.
    public var activeClaims: [String] { count(of: Self.fixedStratum) > 0 ? fixedClaims : [] }

    /// The categories the notice samples: its strata's and its active claims'.
    public var sampledCategories: Set<String> {
        Set(strata.map(\.name)).union(activeClaims.compactMap { $0.split(separator: "/", maxSplits: 1).first.map(String.init) })
    }

    // MARK: The feed entry

    /// The feed entry: a change record of the province, category `inspection_notice`, origin
    /// `central`, with no entity (it concerns the bureau, not an enterprise).
    public var record: JSONValue {
        .object([
            .init("v", .number(1)),
            .init("change_id", .string(changeID)),
            .init("province", .string(province)),
            .init("category", .string(Self.category)),
            .init("id", .string(inspectionID)),
            .init("op", .string("upsert")),
            .init("origin", .string("central")),
            .init("occurred_at", .string(announcedOn)),
            .init("fields", .object([
                .init("format", .string(Self.format)),
                .init("strata", .array(strata.map { .object([.init("stratum", .string($0.name)), .init("count", .number(Double($0.count)))]) })),
                .init("fixed_claims", .array(fixedClaims.map { .string($0) })),
                .init("scope_from", .string(scopeFrom)),
                .init("rules_version", .string(rulesVersion)),
                .init("rules_sha256", .string(rulesSHA256)),
                .init("commitment", .string(commitment)),
            ])),
        ])
    }

    public var canonicalBytes: [UInt8] { CanonicalJSON.encode(record) }

    /// Reads a notice back from its feed entry's canonical bytes; refuses anything else.
    public init(entry bytes: [UInt8]) throws(InspectionError) {
        guard let value = try? JSONParser.parse(bytes), CanonicalJSON.encode(value) == bytes else {
            throw InspectionError(.malformed, "the inspection notice is not canonical JSON", hint: "the notice is HQ's feed entry, byte for byte")
        }
        let reader = JSONReader(value: value, what: "inspection notice")
        guard try reader.string("category") == Self.category, try reader.string("origin") == "central" else {
            throw reader.malformed("is not an inspection_notice entry of HQ")
        }
        let fields = try reader.object("fields")
        guard try fields.string("format") == Self.format else { throw reader.malformed("is not a \(Self.format) notice") }
        let strata = try fields.array("strata").map { item throws(InspectionError) in
            Stratum(name: try item.string("stratum"), count: Int(try item.integer("count")))
        }
        let claims = try fields.array("fixed_claims").map { item throws(InspectionError) in
            guard case .string(let claim) = item.value else { throw item.malformed("holds a claim that is not a string") }
            return claim
        }
        try self.init(inspectionID: try reader.string("id"), province: try reader.string("province"), strata: strata, fixedClaims: claims,
                      scopeFrom: try fields.string("scope_from"), rulesVersion: try fields.string("rules_version"),
                      rulesSHA256: try fields.string("rules_sha256"), commitment: try fields.string("commitment"),
                      announcedOn: try reader.string("occurred_at"))
        guard canonicalBytes == bytes, try reader.string("change_id") == changeID else {
            throw reader.malformed("is not exactly the notice it describes (extra members, unsorted claims or another change id)")
        }
    }
}
