import LedgerCore

/// Records HQ pushes down, for `hq risk import` in the demo, tests and benchmarks:
/// * `central_risk`: a central department's 行政许可, 行政处罚, 严重失信主体名单 or 抽查检查
///   information (the kinds of the 2022-6 notice, line 48, and the 2023-25 notice, line 27), with
///   the department's code and name as `ops/rules/central-departments.json` gives them and, for a
///   list, the list's name;
/// * `cross_province`: another province's penalty or listing of an entity that has since moved
///   (SAMR's own flow, 2018 notice), with the province it comes from.
/// Each is about an entity whose USCC names `division`.
public struct CentralRiskGenerator: Sendable {
    var random: SeededGenerator
    var produced = 0

    /// (kind, department code, department name, list name for 严重失信主体名单).
    static let kinds: [(kind: String, code: String, dept: String, list: String?)] = [
        ("严重失信主体名单", "SPC", "最高人民法院", "失信被执行人"),
        ("严重失信主体名单", "STA", "国家税务总局", "重大税收违法失信主体"),
        ("严重失信主体名单", "GACC", "海关总署", "海关失信企业"),
        ("严重失信主体名单", "MOHRSS", "人力资源和社会保障部", "拖欠农民工工资失信联合惩戒对象"),
        ("行政处罚", "MEE", "生态环境部", nil),
        ("行政许可", "NMPA", "国家药品监督管理局", nil),
        ("抽查检查", "MEM", "应急管理部", nil),
    ]

    public init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// A code of an entity registered in `division` (six digits, e.g. 440300).
    public mutating func uscc(division: String) -> String {
        RecordGenerator.makeUSCC(prefix: "91", division: division, random: &random)
    }

    /// One central department's record as JSON (no `province`: HQ routes it).
    public mutating func record(uscc: String, name: String = "示例企业有限公司") -> [UInt8] {
        produced += 1
        let (kind, code, dept, list) = Self.kinds[Int(random.next() % UInt64(Self.kinds.count))]
        let date = day()
        var fields: [JSONValue.Member] = [
            .init("source_dept", .string(dept)),
            .init("source_dept_code", .string(code)),
            .init("kind", .string(kind)),
            .init("case_no", .string("（2026）总\(produced)号")),
            .init("decided_on", .string(date)),
            .init("detail", .string("\(dept)认定的\(list ?? kind)信息")),
        ]
        if let list { fields.append(.init("list_name", .string(list))) }
        return envelope(category: "central_risk", id: "CR-\(produced)", uscc: uscc, name: name, fields: fields, date: date, source: dept)
    }

    /// Another province's decision about an entity that moved, as SAMR's cross-province flow
    /// carries it: `origin` is the province that decided (six digits).
    public mutating func crossProvince(uscc: String, name: String = "示例企业有限公司", origin: String, authority: String) -> [UInt8] {
        produced += 1
        let kinds = ["行政处罚（外省）", "严重违法失信名单（外省）", "经营异常名录（外省）"]
        let kind = kinds[Int(random.next() % UInt64(kinds.count))]
        let date = day()
        return envelope(category: "cross_province", id: "XP-\(origin)-\(produced)", uscc: uscc, name: name, fields: [
            .init("kind", .string(kind)),
            .init("origin_province", .string(origin)),
            .init("authority", .string(authority)),
            .init("case_no", .string("外省决定〔2026〕\(produced)号")),
            .init("decided_on", .string(date)),
            .init("detail", .string("\(authority)作出的\(kind)")),
        ], date: date, source: "国家市场监督管理总局")
    }

    mutating func day() -> String {
        let day = 1 + Int(random.next() % 28)
        return "2026-11-\(day < 10 ? "0" : "")\(day)"
    }

    func envelope(category: String, id: String, uscc: String, name: String, fields: [JSONValue.Member], date: String, source: String) -> [UInt8] {
        CanonicalJSON.encode(.object([
            .init("v", .number(1)),
            .init("change_id", .string("\(category == "central_risk" ? "central" : "cross")/\(produced)/\(uscc)")),
            .init("category", .string(category)),
            .init("id", .string(id)),
            .init("op", .string("upsert")),
            .init("entity", .object([.init("uscc", .string(uscc)), .init("name", .string(name))])),
            .init("fields", .object(fields)),
            .init("occurred_at", .string(date)),
            .init("recorded_at", .string("\(date)T09:00:00+08:00")),
            .init("source", .object([.init("name", .string(source))])),
        ]))
    }
}
