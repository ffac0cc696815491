import Foundation
public import LedgerCore

/// Small, valid change records for store and sync tests.
public enum TestRecords {
    /// The JSON text of record `n` of `province`. Every fifth record updates an earlier id, so the
    /// state projection sees replacements.
    public static func json(_ n: Int, province: String = "440000", category: String = "admin_penalty", op: String = "upsert", id: String? = nil) -> String {
        let recordID = id ?? "P-\(n % 5 == 4 ? n / 2 : n)"
        return #"{"v":1,"change_id":"c-\#(province)-\#(n)","province":"\#(province)","category":"\#(category)","id":"\#(recordID)","op":"\#(op)","entity":{"uscc":"91350100M000100Y43","name":"测试企业\#(n)有限公司"},"fields":{"decision_no":"测罚〔2026〕\#(n)号","fine_amount":"\#(n % 100).5"},"occurred_at":"2026-03-0\#(n % 9 + 1)","recorded_at":"2026-03-10T09:00:00+08:00","source":{"name":"测试局","uscc":"11440000KUUUN28336"},"origin":"local"}"#
    }

    public static func record(_ n: Int, province: String = "440000", op: String = "upsert", id: String? = nil) throws -> ChangeRecord {
        try ChangeRecord(parsing: Array(json(n, province: province, op: op, id: id).utf8), province: province)
    }

    public static func records(_ range: Range<Int>, province: String = "440000") throws -> [ChangeRecord] {
        try range.map { try record($0, province: province) }
    }

    /// NDJSON text of records in `range`.
    public static func ndjson(_ range: Range<Int>, province: String = "440000") -> String {
        range.map { json($0, province: province) + "\n" }.joined()
    }
}
