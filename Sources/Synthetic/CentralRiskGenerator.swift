import LedgerCore

/// Central-origin risk records (category `central_risk`) as HQ receives them from central
/// departments, for `hq risk import` in the demo, tests and benchmarks: each about an entity
/// whose USCC names `division`, with a kind from the `central_risk_kind` code table.
public struct CentralRiskGenerator: Sendable {
    var random: SeededGenerator
    var produced = 0

    static let kinds: [(kind: String, dept: String)] = [
        ("失信被执行人", "最高人民法院"), ("重大税收违法失信主体", "国家税务总局"), ("海关失信企业", "海关总署"),
        ("拖欠农民工工资失信联合惩戒对象", "人力资源和社会保障部"), ("其他省份行政处罚", "国家市场监督管理总局"),
    ]

    public init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// A code of an entity registered in `division` (six digits, e.g. 440300).
    public mutating func uscc(division: String) -> String {
        RecordGenerator.makeUSCC(prefix: "91", division: division, random: &random)
    }

    /// One record's JSON (no `province`: HQ routes it).
    public mutating func record(uscc: String, name: String = "示例企业有限公司") -> [UInt8] {
        produced += 1
        let (kind, dept) = Self.kinds[Int(random.next() % UInt64(Self.kinds.count))]
        let day = 1 + Int(random.next() % 28)
        let date = "2026-11-\(day < 10 ? "0" : "")\(day)"
        return CanonicalJSON.encode(.object([
            .init("v", .number(1)),
            .init("change_id", .string("central/\(produced)/\(uscc)")),
            .init("category", .string("central_risk")),
            .init("id", .string("CR-\(produced)")),
            .init("op", .string("upsert")),
            .init("entity", .object([.init("uscc", .string(uscc)), .init("name", .string(name))])),
            .init("fields", .object([
                .init("source_dept", .string(dept)),
                .init("kind", .string(kind)),
                .init("case_no", .string("（2026）总\(produced)号")),
                .init("decided_on", .string(date)),
                .init("detail", .string("\(dept)认定的\(kind)信息")),
            ])),
            .init("occurred_at", .string(date)),
            .init("recorded_at", .string("\(date)T09:00:00+08:00")),
            .init("source", .object([.init("name", .string(dept))])),
        ]))
    }
}
