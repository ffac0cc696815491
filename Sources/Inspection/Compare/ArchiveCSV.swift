import Foundation
public import LedgerCore

/// The inspector's archive findings (Protocol/inspection.md, "Archive findings"): a CSV with the
/// header `category,record_id,field,value_seen,note` (or the Chinese 类别,记录编号,字段,档案所见值,备注),
/// UTF-8 with or without a byte order mark, CRLF or LF, RFC 4180 quoting, as Excel saves it.
/// Written by hand: RFC 4180 is a page, and Foundation has no CSV reader.
public struct ArchiveCSV: Sendable {
    public struct Row: Sendable, Equatable {
        /// The row's first line in the file (1 = the header).
        public var line: Int
        public var category: String
        public var recordID: String
        /// Empty: the archive holds the record (no field named).
        public var field: String
        public var valueSeen: String
        public var note: String

        public init(line: Int, category: String, recordID: String, field: String, valueSeen: String, note: String) {
            (self.line, self.category, self.recordID, self.field, self.valueSeen, self.note) = (line, category, recordID, field, valueSeen, note)
        }
    }

    public struct Rejection: Sendable, Equatable {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public var rows: [Row] = []
    public var rejections: [Rejection] = []

    static let columns: [(key: String, names: [String])] = [
        ("category", ["category", "类别"]), ("record_id", ["record_id", "记录编号"]), ("field", ["field", "字段"]),
        ("value_seen", ["value_seen", "档案所见值"]), ("note", ["note", "备注"]),
    ]

    public init(bytes: [UInt8]) throws(InspectionError) {
        var input = bytes[...]
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
        guard let text = String(validating: input, as: UTF8.self) else {
            throw InspectionError(.archive, "the archive findings file is not UTF-8", hint: "save it from Excel as \"CSV UTF-8 (逗号分隔)\"")
        }
        let records = Self.records(text)
        guard let header = records.first else {
            throw InspectionError(.archive, "the archive findings file is empty", hint: "start from ops/inspection/archive-template.csv")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var position: [String: Int] = [:]
        for (key, aliases) in Self.columns {
            if let index = names.firstIndex(where: aliases.contains) { position[key] = index }
        }
        guard position["category"] != nil, position["record_id"] != nil else {
            throw InspectionError(.archive, "the archive findings file's first line is not the template's header (category,record_id,field,value_seen,note)",
                                  hint: "start from ops/inspection/archive-template.csv and keep its first line")
        }
        for record in records.dropFirst() {
            func value(_ key: String) -> String {
                guard let index = position[key], index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            let (category, recordID) = (value("category"), value("record_id"))
            guard !category.isEmpty, !recordID.isEmpty else {
                rejections.append(Rejection(line: record.line, reason: "a row needs a category and a record_id"))
                continue
            }
            rows.append(Row(line: record.line, category: category, recordID: recordID, field: value("field"), valueSeen: value("value_seen"), note: value("note")))
        }
    }

    /// RFC 4180 records with the line each starts on; quoted fields may hold commas, quotes
    /// (doubled) and line breaks.
    static func records(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        func endRecord() {
            fields.append(field)
            records.append((start, fields))
            fields = []
            field = ""
        }
        while let scalar = pending {
            pending = scalars.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = scalars.next() } else { quoted = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",": fields.append(field); field = ""
            case "\r" where pending == "\n": break
            case "\n", "\r":
                endRecord()
                line += 1
                start = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
