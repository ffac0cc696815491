public import Foundation
public import LedgerCore

/// `comparison.json` (Protocol/inspection.md §5): the three comparisons of each sampled record,
/// every inconsistency as a row, the checklist's answers, and the bundle compared (its checkpoint
/// and SHA-256). `inspect compare` signs it (`SignedResult`); `inspect record` reads it back.
public struct ComparisonDocument: Sendable, Equatable {
    public static let format = "creditsync/inspection-comparison/v2"

    public struct Item: Sendable, Equatable {
        public var stratum: String
        public var rank: Int
        public var category: String
        public var id: String
        public var uscc: String
        public var name: String
        public var central: String
        public var archive: String
        public var reality: String
        public var realityNote: String
    }

    public struct ChecklistAnswer: Sendable, Equatable {
        public var id: String
        public var zh: String
        public var answer: String
        public var note: String
    }

    public var inspectionID: String
    public var origin: String
    public var treeSize: UInt64
    public var root: String
    public var bundleSHA256: String
    /// The day of the comparison (YYYY-MM-DD, China Standard Time).
    public var comparedOn: String
    public var items: [Item]
    public var rows: [InspectionComparison.Row]
    public var checklist: [ChecklistAnswer]

    public init(bundle: VerifiedBundle, bundleSHA256: String, comparison: InspectionComparison, checklist: [Checklist.Answered], comparedOn: String) {
        inspectionID = bundle.plan.inspectionID
        origin = bundle.checkpoint.checkpoint.origin
        treeSize = bundle.checkpoint.size
        root = bundle.checkpoint.root.base64
        self.bundleSHA256 = bundleSHA256
        self.comparedOn = comparedOn
        items = comparison.items.map { item in
            Item(stratum: item.sampled.stratum, rank: item.sampled.rank, category: item.sampled.category, id: item.sampled.id, uscc: item.sampled.uscc,
                 name: item.sampled.name, central: item.central.rawValue, archive: item.archive.rawValue, reality: item.reality.rawValue,
                 realityNote: item.realityNote)
        }
        rows = comparison.rows
        self.checklist = checklist.map { ChecklistAnswer(id: $0.item.id, zh: $0.item.zh, answer: $0.answer.rawValue, note: $0.note) }
    }

    /// The SHA-256 (hex) of a bundle file, as a document names its bundle.
    public static func bundleSHA256(_ url: URL) throws -> String { try BundleFile.sha256(url) }

    public func count(_ kind: InspectionComparison.Kind) -> Int { rows.lazy.filter { $0.kind == kind }.count }

    public var json: JSONValue {
        .object([
            .init("format", .string(Self.format)),
            .init("inspection_id", .string(inspectionID)),
            .init("origin", .string(origin)),
            .init("tree_size", .number(Double(treeSize))),
            .init("root", .string(root)),
            .init("bundle_sha256", .string(bundleSHA256)),
            .init("compared_on", .string(comparedOn)),
            .init("totals", .object(InspectionComparison.Kind.allCases.map { .init($0.rawValue, .number(Double(count($0)))) })),
            .init("items", .array(items.map { item in
                .object([
                    .init("stratum", .string(item.stratum)),
                    .init("rank", .number(Double(item.rank))),
                    .init("category", .string(item.category)),
                    .init("id", .string(item.id)),
                    .init("uscc", .string(item.uscc)),
                    .init("name", .string(item.name)),
                    .init("central", .string(item.central)),
                    .init("archive", .string(item.archive)),
                    .init("reality", .string(item.reality)),
                    .init("reality_note", .string(item.realityNote)),
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
                    .init("line", row.line.map { .number(Double($0)) } ?? .null),
                ])
            })),
            .init("checklist", .array(checklist.map { answer in
                .object([.init("id", .string(answer.id)), .init("zh", .string(answer.zh)), .init("answer", .string(answer.answer)),
                         .init("note", .string(answer.note))])
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
        items = try reader.array("items").map { item in
            Item(stratum: try item.string("stratum"), rank: Int(try item.integer("rank")), category: try item.string("category"), id: try item.string("id"),
                 uscc: try item.string("uscc"), name: try item.string("name"), central: try item.string("central"), archive: try item.string("archive"),
                 reality: try item.string("reality"), realityNote: try item.string("reality_note"))
        }
        rows = try reader.array("rows").map { item in
            guard let kind = InspectionComparison.Kind(rawValue: try item.string("kind")) else { throw item.malformed("kind is not one of the comparison's kinds") }
            let index = try item.member("index") == .null ? nil : try item.integer("index")
            let line = try item.member("line") == .null ? nil : Int(try item.integer("line"))
            return InspectionComparison.Row(kind: kind, uscc: try item.string("uscc"), name: try item.string("name"), category: try item.string("category"),
                                            recordID: try item.string("id"), field: try item.string("field"), systemValue: try item.string("system_value"),
                                            archiveValue: try item.string("archive_value"), note: try item.string("note"), index: index, line: line)
        }
        checklist = try reader.array("checklist").map { item in
            ChecklistAnswer(id: try item.string("id"), zh: try item.string("zh"), answer: try item.string("answer"), note: try item.string("note"))
        }
    }
}
