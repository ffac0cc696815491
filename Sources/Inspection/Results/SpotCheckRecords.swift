public import Foundation
public import LedgerCore
public import Quality

/// The results of an inspection as `spot_check` change records (one per sampled entity), for
/// `creditsync inspect record`: they go into the province's own signed log and reach HQ in the
/// next sync. Change ids are derived from the inspection and the entity, so recording the same
/// comparison twice appends nothing the second time.
public struct SpotCheckRecords: Sendable {
    public var authority: String
    public var authorityUSCC: String
    public var checkType: String
    public var cleanResult: String
    public var discrepancyResult: String

    public static let defaultCheckType = "双随机抽查"
    public static let defaultCleanResult = "未发现问题"
    /// The code-table result nearest to "the system's public records differ from the archive".
    public static let defaultDiscrepancyResult = "未按规定公示应当公示的信息"

    public init(authority: String, authorityUSCC: String, checkType: String = defaultCheckType, cleanResult: String = defaultCleanResult,
                discrepancyResult: String = defaultDiscrepancyResult, tables: DomainTables) throws(InspectionError) {
        guard !authority.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InspectionError(.usage, "--authority is empty", hint: "name the inspecting authority, e.g. --authority 国家市场监督管理总局信用监督管理司")
        }
        guard USCC.check(authorityUSCC) == .valid else {
            throw InspectionError(.usage, "--authority-uscc \(authorityUSCC) is not a valid Unified Social Credit Code (\(USCC.check(authorityUSCC)))",
                                  hint: "give the inspecting authority's own 18-character code; spot_check records need source.uscc")
        }
        for (value, table, option) in [(checkType, "check_type", "--check-type"), (cleanResult, "check_result", "--clean-result"),
                                        (discrepancyResult, "check_result", "--discrepancy-result")] {
            guard let codes = tables.codes[table], codes.contains(value) else {
                throw InspectionError(.usage, "\(option) \"\(value)\" is not in the \(table) code table",
                                      hint: "use one of: \((tables.codes[table] ?? []).joined(separator: "、"))")
            }
        }
        self.authority = authority
        self.authorityUSCC = authorityUSCC
        self.checkType = checkType
        self.cleanResult = cleanResult
        self.discrepancyResult = discrepancyResult
    }

    /// One record per sampled entity of `document`, for `province`'s ledger.
    public func records(for document: ComparisonDocument, province: String, recordedAt: Date) throws -> [ChangeRecord] {
        guard CivilDate(iso: document.comparedOn) != nil else {
            throw InspectionError(.malformed, "the comparison's date \(document.comparedOn) is not YYYY-MM-DD", hint: "compare the bundle again")
        }
        let recorded = CivilDateText.timestamp(recordedAt)
        return try document.entities.map { entity in
            let value = JSONValue.object([
                .init("v", .number(1)),
                .init("change_id", .string("inspection/\(document.inspectionID)/\(entity.uscc)")),
                .init("province", .string(province)),
                .init("category", .string("spot_check")),
                .init("id", .string("INSP-\(document.inspectionID)-\(entity.uscc)")),
                .init("op", .string("upsert")),
                .init("entity", .object([.init("uscc", .string(entity.uscc)), .init("name", .string(entity.name))])),
                .init("fields", .object([
                    .init("task_id", .string(document.inspectionID)),
                    .init("check_type", .string(checkType)),
                    .init("check_date", .string(document.comparedOn)),
                    .init("result", .string(entity.clean ? cleanResult : discrepancyResult)),
                    .init("authority", .string(authority)),
                ])),
                .init("occurred_at", .string(document.comparedOn)),
                .init("recorded_at", .string(recorded)),
                .init("source", .object([.init("name", .string(authority)), .init("uscc", .string(authorityUSCC))])),
                .init("origin", .string("local")),
            ])
            do {
                return try ChangeRecord(parsing: CanonicalJSON.encode(value), province: province)
            } catch {
                throw InspectionError(.malformed, "the result for \(entity.uscc) is not a valid change record: \(error)",
                                      hint: "check the inspection id and the entity's name in the comparison")
            }
        }
    }
}

/// Dates as the change records carry them, in China Standard Time (UTC+8).
public enum CivilDateText {
    static let zone = TimeZone(secondsFromGMT: 8 * 3600)!

    public static func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// RFC 3339 with the +08:00 offset.
    static func timestamp(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+08:00", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
