public import Foundation

/// The regulator's rules as data (`shared/domain/`): record categories with their fields, and the
/// code tables. Embedded as resources; operators will override them with a rules file.
public struct DomainTables: Sendable {
    public struct Field: Decodable, Sendable {
        public var zh: String
        public var required: Bool
        public var format: String?
        public var codes: String?
        public var unit: String?
        public var list: Bool?
        public var after: String?
        public var requiredIf: [String: String]?

        enum CodingKeys: String, CodingKey {
            case zh, required, format, codes, unit, list, after
            case requiredIf = "required_if"
        }
    }

    public struct Category: Decodable, Sendable {
        public var zh: String
        public var fields: [String: Field]
    }

    struct CategoriesFile: Decodable {
        var envelope: [String: Field]
        var categories: [String: Category]
    }

    public var envelope: [String: Field]
    public var categories: [String: Category]
    /// Code tables by name (`penalty_type`, `entity_type`, …).
    public var codes: [String: [String]]
    /// The 31 provincial divisions, code → name.
    public var provinces: [String: String]
    /// Provincial-level regulators without a GB/T 2260 code (the XPCC), code → name.
    public var otherNodes: [String: String]

    /// Every node that may hold a ledger: the 31 provinces and the XPCC.
    public var nodes: [String: String] { provinces.merging(otherNodes) { a, _ in a } }

    /// The default tables shipped with this build.
    public static func bundled() throws -> DomainTables {
        guard let directory = Bundle.module.url(forResource: "domain", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try load(categories: directory.appendingPathComponent("categories.json"), codes: directory.appendingPathComponent("codes.json"))
    }

    public static func load(categories: URL, codes: URL) throws -> DomainTables {
        let categoriesFile = try JSONDecoder().decode(CategoriesFile.self, from: Data(contentsOf: categories))
        let codesObject = try JSONSerialization.jsonObject(with: Data(contentsOf: codes)) as? [String: Any] ?? [:]
        var tables: [String: [String]] = [:]
        for (name, value) in codesObject {
            if let list = value as? [String] { tables[name] = list }
        }
        return DomainTables(
            envelope: categoriesFile.envelope,
            categories: categoriesFile.categories,
            codes: tables,
            provinces: codesObject["provinces"] as? [String: String] ?? [:],
            otherNodes: codesObject["other_nodes"] as? [String: String] ?? [:]
        )
    }
}
