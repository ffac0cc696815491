public import Foundation
public import LedgerCore

/// `comparison.json`: what `inspect compare` found, per sampled entity and per row, with the
/// bundle it compared (its checkpoint and SHA-256). `inspect record` reads it back.
public struct ComparisonDocument: Sendable, Equatable {
    public static let format = "creditsync/inspection-comparison/v1"

    public struct Entity: Sendable, Equatable {
        public var rank: Int
        public var uscc: String
        public var name: String
        public var riskClass: String
        public var counts: [String: Int]
        public var clean: Bool
    }

    public var inspectionID: String
    public var origin: String
    public var treeSize: UInt64
    public var root: String
    public var bundleSHA256: String
    /// The day of the comparison (YYYY-MM-DD, China Standard Time): the check date it records.
    public var comparedOn: String
    public var entities: [Entity]
    public var rows: [ArchiveComparison.Row]

    public init(bundle: VerifiedBundle, bundleSHA256: String, comparison: ArchiveComparison, comparedOn: String) {
        inspectionID = bundle.plan.inspectionID
        origin = bundle.checkpoint.checkpoint.origin
        treeSize = bundle.checkpoint.size
        root = bundle.checkpoint.root.base64
        self.bundleSHA256 = bundleSHA256
        self.comparedOn = comparedOn
        entities = comparison.entities.map { result in
            Entity(rank: result.sampled.rank, uscc: result.sampled.uscc, name: result.sampled.name, riskClass: result.sampled.riskClass,
                   counts: Dictionary(uniqueKeysWithValues: ArchiveComparison.Kind.allCases.map { ($0.rawValue, result.counts[$0] ?? 0) }),
                   clean: result.clean)
        }
        rows = comparison.rows
    }

    /// The SHA-256 (hex) of a bundle file, as a document names its bundle.
    public static func bundleSHA256(_ url: URL) throws -> String { try BundleFile.sha256(url) }

    public var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("inspection_id", .string(inspectionID)),
            .init("origin", .string(origin)),
            .init("tree_size", .number(Double(treeSize))),
            .init("root", .string(root)),
            .init("bundle_sha256", .string(bundleSHA256)),
            .init("compared_on", .string(comparedOn)),
            .init("totals", .object(ArchiveComparison.Kind.allCases.map { kind in .init(kind.rawValue, .number(Double(rows.lazy.filter { $0.kind == kind }.count))) })),
            .init("entities", .array(entities.map { entity in
                .object([
                    .init("rank", .number(Double(entity.rank))),
                    .init("uscc", .string(entity.uscc)),
                    .init("name", .string(entity.name)),
                    .init("risk_class", .string(entity.riskClass)),
                    .init("counts", .object(entity.counts.sorted { $0.key < $1.key }.map { .init($0.key, .number(Double($0.value))) })),
                    .init("clean", .bool(entity.clean)),
                ])
            })),
            .init("rows", .array(rows.map { row in
                .object([
                    .init("kind", .string(row.kind.rawValue)),
                    .init("uscc", .string(row.uscc)),
                    .init("name", .string(row.name)),
                    .init("category", .string(row.category)),
                    .init("id", .string(row.recordID)),
                    .init("field", .string(row.field)),
                    .init("system_value", .string(row.systemValue)),
                    .init("archive_value", .string(row.archiveValue)),
                    .init("note", .string(row.note)),
                    .init("index", row.index.map { .number(Double($0)) } ?? .null),
                    .init("archive_line", row.line.map { .number(Double($0)) } ?? .null),
                ])
            })),
        ])
    }

    public init(json value: JSONValue) throws {
        let reader = JSONReader(value: value, what: "comparison")
        guard try reader.string("format") == Self.format else {
            throw InspectionError(.malformed, "not a \(Self.format) document", hint: "give the comparison.json that `creditsync inspect compare` wrote")
        }
        inspectionID = try reader.string("inspection_id")
        origin = try reader.string("origin")
        treeSize = try reader.integer("tree_size")
        root = try reader.string("root")
        bundleSHA256 = try reader.string("bundle_sha256")
        comparedOn = try reader.string("compared_on")
        entities = try reader.array("entities").map { item in
            let counts = try item.object("counts")
            return Entity(rank: Int(try item.integer("rank")), uscc: try item.string("uscc"), name: try item.string("name"),
                          riskClass: try item.string("risk_class"),
                          counts: Dictionary(uniqueKeysWithValues: try ArchiveComparison.Kind.allCases.map { ($0.rawValue, Int(try counts.integer($0.rawValue))) }),
                          clean: try item.member("clean") == .bool(true))
        }
        rows = try reader.array("rows").map { item in
            guard let kind = ArchiveComparison.Kind(rawValue: try item.string("kind")) else { throw item.malformed("kind is not one of the comparison's kinds") }
            let index = try item.member("index") == .null ? nil : try item.integer("index")
            let line = try item.member("archive_line") == .null ? nil : Int(try item.integer("archive_line"))
            return ArchiveComparison.Row(kind: kind, uscc: try item.string("uscc"), name: try item.string("name"), category: try item.string("category"),
                                         recordID: try item.string("id"), field: try item.string("field"), systemValue: try item.string("system_value"),
                                         archiveValue: try item.string("archive_value"), note: try item.string("note"), index: index, line: line)
        }
    }
}
