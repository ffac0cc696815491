import Foundation
public import LedgerCore

/// The inspector's on-site findings, archive against reality (Protocol/inspection.md §4.2): a CSV
/// with the header `category,record_id,finding,note` (or 类别,记录编号,核实结果,备注), one row per
/// sampled record checked, `finding` one of 一致/不一致/无法核实 (consistent/inconsistent/
/// unverifiable). Same CSV rules as the archive file.
public struct OnsiteCSV: Sendable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var category: String
        public var recordID: String
        public var finding: InspectionComparison.Verdict
        public var note: String
    }

    public var rows: [Row] = []
    public var rejections: [ArchiveCSV.Rejection] = []

    static let columns: [(key: String, names: [String])] = [
        ("category", ["category", "类别"]), ("record_id", ["record_id", "记录编号"]), ("finding", ["finding", "核实结果"]), ("note", ["note", "备注"]),
    ]

    static func verdict(_ text: String) -> InspectionComparison.Verdict? {
        switch text.lowercased() {
        case "一致", "consistent": .consistent
        case "不一致", "inconsistent": .inconsistent
        case "无法核实", "unverifiable": .unverifiable
        default: nil
        }
    }

    public init(bytes: [UInt8]) throws(InspectionError) {
        let table = try CSVTable(bytes: bytes, columns: Self.columns, required: ["category", "record_id", "finding"], what: "on-site findings file",
                                 template: "ops/inspection/onsite-template.csv")
        for record in table.records {
            let (category, recordID, finding) = (record.value("category"), record.value("record_id"), record.value("finding"))
            guard !category.isEmpty, !recordID.isEmpty else {
                rejections.append(.init(line: record.line, reason: "a row needs a category and a record_id"))
                continue
            }
            guard let verdict = Self.verdict(finding) else {
                rejections.append(.init(line: record.line, reason: "finding \"\(finding)\" is not 一致, 不一致 or 无法核实"))
                continue
            }
            rows.append(Row(line: record.line, category: category, recordID: recordID, finding: verdict, note: record.value("note")))
        }
    }
}

/// The checklist of working mechanisms and data use (2023-25, line 43: "工作机制建立、数据应用等情况"),
/// `ops/inspection/checklist.json`, editable, and the inspector's answers to it: a CSV with the
/// header `item,answer,note` (or 检查项,结论,备注), `answer` one of 是/否/不适用 (yes/no/na).
public struct Checklist: Sendable, Equatable {
    public static let format = "creditsync/inspection-checklist/v1"

    public struct Item: Sendable, Equatable {
        public var id: String
        public var zh: String
        public var en: String
    }

    public enum Answer: String, Sendable, CaseIterable {
        case yes, no
        case notApplicable = "na"
        case unanswered
    }

    public struct Answered: Sendable, Equatable {
        public var item: Item
        public var answer: Answer
        public var note: String
    }

    public var items: [Item]

    public init(bytes: [UInt8]) throws(InspectionError) {
        guard let value = try? JSONParser.parse(bytes) else {
            throw InspectionError(.usage, "the checklist is not JSON", hint: "start from ops/inspection/checklist.json")
        }
        let reader = JSONReader(value: value, what: "checklist")
        guard try reader.string("format") == Self.format else { throw reader.malformed("is not a \(Self.format) file") }
        items = try reader.array("items").map { item throws(InspectionError) in
            Item(id: try item.string("id"), zh: try item.string("zh"), en: try item.string("en"))
        }

        guard !items.isEmpty, Set(items.map(\.id)).count == items.count else { throw reader.malformed("needs items with distinct ids") }
    }

    /// The checklist shipped with this build (= ops/inspection/checklist.json).
    public static func bundled() throws(InspectionError) -> Checklist {
        guard let url = Bundle.module.url(forResource: "checklist", withExtension: "json"), let data = FileManager.default.contents(atPath: url.path) else {
            throw InspectionError(.usage, "this build has no checklist", hint: "give --checklist-items ops/inspection/checklist.json")
        }
        return try Checklist(bytes: Array(data))
    }

    static let columns: [(key: String, names: [String])] = [("item", ["item", "检查项"]), ("answer", ["answer", "结论"]), ("note", ["note", "备注"])]

    static func answer(_ text: String) -> Answer? {
        switch text.lowercased() {
        case "是", "yes": .yes
        case "否", "no": .no
        case "不适用", "na", "n/a": .notApplicable
        default: nil
        }
    }

    /// The answers of a CSV, one per item in the checklist's order (`unanswered` where the file
    /// has none), and the rows that could not be used.
    public func answers(_ bytes: [UInt8]) throws(InspectionError) -> (answers: [Answered], rejections: [ArchiveCSV.Rejection]) {
        let table = try CSVTable(bytes: bytes, columns: Self.columns, required: ["item", "answer"], what: "checklist answers file",
                                 template: "ops/inspection/checklist-template.csv")
        var given: [String: (Answer, String)] = [:]
        var rejections: [ArchiveCSV.Rejection] = []
        for record in table.records {
            let id = record.value("item")
            guard let item = items.first(where: { $0.id == id || $0.zh == id }) else {
                rejections.append(.init(line: record.line, reason: "\"\(id)\" is not an item of the checklist"))
                continue
            }
            guard let answer = Self.answer(record.value("answer")) else {
                rejections.append(.init(line: record.line, reason: "answer \"\(record.value("answer"))\" is not 是, 否 or 不适用"))
                continue
            }
            given[item.id] = (answer, record.value("note"))
        }
        return (items.map { Answered(item: $0, answer: given[$0.id]?.0 ?? .unanswered, note: given[$0.id]?.1 ?? "") }, rejections)
    }
}

/// A CSV with a header of named columns (aliases per column), as Excel saves it.
struct CSVTable {
    struct Record {
        var line: Int
        var fields: [String]
        var position: [String: Int]

        func value(_ key: String) -> String {
            guard let index = position[key], index < fields.count else { return "" }
            return fields[index].trimmingCharacters(in: .whitespaces)
        }
    }

    var records: [Record] = []

    init(bytes: [UInt8], columns: [(key: String, names: [String])], required: [String], what: String, template: String) throws(InspectionError) {
        var input = bytes[...]
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
        guard let text = String(validating: input, as: UTF8.self) else {
            throw InspectionError(.archive, "the \(what) is not UTF-8", hint: "save it from Excel as \"CSV UTF-8 (逗号分隔)\"")
        }
        let rows = ArchiveCSV.records(text)
        guard let header = rows.first else { throw InspectionError(.archive, "the \(what) is empty", hint: "start from \(template)") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var position: [String: Int] = [:]
        for (key, aliases) in columns {
            if let index = names.firstIndex(where: aliases.contains) { position[key] = index }
        }
        guard required.allSatisfy({ position[$0] != nil }) else {
            throw InspectionError(.archive, "the \(what)'s first line is not the template's header (\(columns.map(\.key).joined(separator: ",")))",
                                  hint: "start from \(template) and keep its first line")
        }
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            records.append(Record(line: row.line, fields: row.fields, position: position))
        }
    }
}
