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
        let table = try CSVTable(bytes: bytes, columns: Self.columns, required: ["category", "record_id"], what: "archive findings file",
                                 template: "ops/inspection/archive-template.csv")
        for record in table.records {
            let (category, recordID) = (record.value("category"), record.value("record_id"))
            guard !category.isEmpty, !recordID.isEmpty else {
                rejections.append(Rejection(line: record.line, reason: "a row needs a category and a record_id"))
                continue
            }
            rows.append(Row(line: record.line, category: category, recordID: recordID, field: record.value("field"), valueSeen: record.value("value_seen"),
                            note: record.value("note")))
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
