import LedgerCore
import Quality

/// Realistic synthetic change records for tests, demos and benchmarks: valid Unified Social
/// Credit Codes, the category field sets and code tables of `shared/domain/`, Chinese names,
/// updates and revocations of earlier records. Deterministic for a given seed.
public struct RecordGenerator: Sendable {
    public let province: String
    let provinceName: String
    let tables: DomainTables
    var random: SeededGenerator
    let seed: UInt64
    let start: CivilDate
    public private(set) var produced = 0
    /// Ids issued so far per category, so later records can update or revoke them.
    var issued: [String: Int] = [:]
    let regulatorUSCC: String

    /// Categories with their share of a province's daily flow (percent).
    static let mix: [(String, Int)] = [
        ("registration", 28), ("admin_license", 15), ("admin_penalty", 10), ("abnormal_list", 8),
        ("serious_violation", 2), ("spot_check", 8), ("equity_pledge", 4), ("ip_pledge", 2),
        ("trademark", 5), ("annual_report", 12), ("credit_repair", 2), ("risk_class", 4),
    ]

    public init(province: String, seed: UInt64 = 1, tables: DomainTables, start: CivilDate = CivilDate(year: 2026, month: 1, day: 5)) {
        self.province = province
        self.provinceName = tables.nodes[province] ?? "示例省"
        self.tables = tables
        self.random = SeededGenerator(seed: seed ^ (UInt64(province) ?? 0))
        self.seed = seed
        self.start = start
        self.regulatorUSCC = Self.makeUSCC(prefix: "11", division: String(province.prefix(2)) + "0000", random: &random)
    }

    /// The next record as canonical JSON bytes.
    public mutating func next() -> [UInt8] {
        CanonicalJSON.encode(nextValue())
    }

    public mutating func nextValue() -> JSONValue {
        produced += 1
        let category = pickCategory()
        let (id, op) = pickID(category)
        let occurred = start.adding(days: Int(random.next() % 300))
        let recorded = occurred.adding(days: 1 + Int(random.next() % 9))
        let name = companyName()
        let uscc = Self.makeUSCC(prefix: random.next() % 10 < 8 ? "91" : "92",
                                 division: String(province.prefix(2)) + String(format4(Int(random.next() % 40) * 100 + 100)),
                                 random: &random)
        var members: [JSONValue.Member] = [
            .init("v", .number(1)),
            .init("change_id", .string("\(province)-\(String(seed, radix: 16))-\(produced)")),
            .init("province", .string(province)),
            .init("category", .string(category)),
            .init("id", .string(id)),
            .init("op", .string(op)),
            .init("entity", .object([.init("uscc", .string(uscc)), .init("name", .string(name))])),
            .init("fields", .object(fields(for: category, occurred: occurred, uscc: uscc))),
            .init("occurred_at", .string(occurred.iso)),
            .init("recorded_at", .string("\(recorded.iso)T\(two(Int(random.next() % 10) + 8)):\(two(Int(random.next() % 60))):00+08:00")),
            .init("source", .object([.init("name", .string("\(provinceName)市场监督管理局")), .init("uscc", .string(regulatorUSCC))])),
            .init("origin", .string("local")),
        ]
        if category == "admin_license" || category == "admin_penalty" {
            members.append(.init("published_at", .string("\(recorded.adding(days: Int(random.next() % 5)).iso)T10:00:00+08:00")))
        }
        return .object(members)
    }

    // MARK: - Choices

    mutating func pickCategory() -> String {
        var roll = Int(random.next() % 100)
        for (category, share) in Self.mix {
            if roll < share { return category }
            roll -= share
        }
        return "registration"
    }

    /// Mostly new business records; some updates and a few revocations of earlier ones.
    mutating func pickID(_ category: String) -> (String, String) {
        let count = issued[category, default: 0]
        let roll = random.next() % 100
        let prefix = "\(category.uppercased().prefix(3))-\(province)-"
        if count > 10 && roll < 8 {
            return (prefix + pad(Int(random.next() % UInt64(count)) + 1), "upsert")
        }
        if count > 10 && roll < 10 {
            return (prefix + pad(Int(random.next() % UInt64(count)) + 1), "revoke")
        }
        issued[category] = count + 1
        return (prefix + pad(count + 1), "upsert")
    }

    mutating func pick(_ table: String) -> String {
        let values = tables.codes[table] ?? ["其他"]
        return values[Int(random.next() % UInt64(values.count))]
    }

    mutating func amount(max: Int) -> String {
        let tenThousandths = Int(random.next() % UInt64(max * 10_000)) + 5
        let whole = tenThousandths / 10_000
        let fraction = tenThousandths % 10_000
        var text = String(fraction)
        text = String(repeating: "0", count: 4 - text.count) + text
        while text.hasSuffix("0") { text.removeLast() }
        return text.isEmpty ? String(whole) : "\(whole).\(text)"
    }

    mutating func decisionNumber(_ kind: String, _ date: CivilDate) -> String {
        let city = Self.cities[Int(random.next() % UInt64(Self.cities.count))].prefix(1)
        return "\(city)市监\(kind)〔\(date.components.year)〕\(Int(random.next() % 900) + 1)号"
    }

    mutating func fields(for category: String, occurred: CivilDate, uscc: String) -> [JSONValue.Member] {
        func s(_ key: String, _ value: String) -> JSONValue.Member { .init(key, .string(value)) }
        let authority = "\(Self.cities[Int(random.next() % UInt64(Self.cities.count))])市场监督管理局"
        let counterparty = uscc.hasPrefix("92") ? "个体工商户" : "法人及非法人组织"
        switch category {
        case "registration":
            return [s("legal_rep", personName()), s("entity_type", uscc.hasPrefix("92") ? "个体工商户" : pick("entity_type")),
                    s("registered_capital", amount(max: 5000)), s("established_on", occurred.adding(days: -Int(random.next() % 3000)).iso),
                    s("address", "\(provinceName)\(Self.cities[Int(random.next() % UInt64(Self.cities.count))])市\(Self.streets[Int(random.next() % UInt64(Self.streets.count))])\(Int(random.next() % 800) + 1)号"),
                    s("business_scope", Self.scopes[Int(random.next() % UInt64(Self.scopes.count))]),
                    s("registration_authority", authority), s("status", pick("registration_status"))]
        case "admin_license":
            return [s("decision_no", decisionNumber("许", occurred)), s("decision_doc_name", "准予行政许可决定书"),
                    s("license_type", pick("license_type")), s("license_name", "食品经营许可证"), s("license_no", "JY1\(Int(random.next() % 1_000_000_000))"),
                    s("content", "食品销售经营者"), s("decision_date", occurred.iso), s("valid_from", occurred.iso),
                    s("valid_to", occurred.adding(days: 1826).iso), s("authority", authority), s("authority_uscc", regulatorUSCC),
                    s("status", "有效"), s("counterparty_type", counterparty)]
        case "admin_penalty":
            let types = occurred < CivilDate(year: 2021, month: 7, day: 15) ? "penalty_type_before_2021_07_15" : "penalty_type"
            let penalty = random.next() % 3 == 0 ? "警告" : "罚款"
            var fields = [s("decision_no", decisionNumber("罚", occurred)), s("violation_type", "违反产品质量法"),
                          s("violation_facts", "销售不合格产品"), s("legal_basis", "《中华人民共和国产品质量法》第四十九条"),
                          .init("penalty_types", .array([.string(penalty == "罚款" && tables.codes[types]?.contains("罚款") == true ? "罚款" : "警告")])),
                          s("penalty_content", penalty == "罚款" ? "罚款" : "警告"), s("decision_date", occurred.iso),
                          s("valid_until", occurred.adding(days: 365 * 3).iso), s("authority", authority),
                          s("authority_uscc", regulatorUSCC), s("counterparty_type", counterparty)]
            if penalty == "罚款" { fields.append(s("fine_amount", amount(max: 50))) }
            return fields
        case "abnormal_list":
            let listing = random.next() % 4 != 0
            return [s("action", listing ? "列入" : "移出"), listing ? s("reason_in", pick("abnormal_reason_in")) : s("reason_out", pick("abnormal_reason_out")),
                    s("decision_no", decisionNumber("异", occurred)), s("decision_date", occurred.iso), s("authority", authority)]
        case "serious_violation":
            return [s("action", "列入"), s("reason", "被列入经营异常名录届满3年仍未履行相关义务"),
                    s("decision_no", decisionNumber("严", occurred)), s("decision_date", occurred.iso), s("authority", authority)]
        case "spot_check":
            return [s("task_id", "SC\(occurred.components.year)\(Int(random.next() % 90000) + 10000)"), s("check_type", pick("check_type")),
                    s("check_date", occurred.iso), s("result", pick("check_result")), s("authority", authority)]
        case "equity_pledge":
            return [s("registration_no", "\(province)\(occurred.components.year)\(Int(random.next() % 900_000) + 100_000)"),
                    s("pledgor", personName()), s("pledged_amount", amount(max: 2000)), s("pledgee", "\(Self.banks[Int(random.next() % UInt64(Self.banks.count))])"),
                    s("registered_on", occurred.iso), s("status", "有效")]
        case "ip_pledge":
            return [s("registration_no", "ZX\(occurred.components.year)\(Int(random.next() % 900_000) + 100_000)"), s("ip_type", pick("ip_type")),
                    s("ip_name", "\(Self.words[Int(random.next() % UInt64(Self.words.count))])"), s("pledgor", companyName()),
                    s("pledgee", Self.banks[Int(random.next() % UInt64(Self.banks.count))]), s("period_from", occurred.iso),
                    s("period_to", occurred.adding(days: 730).iso), s("status", "有效")]
        case "trademark":
            return [s("reg_no", String(Int(random.next() % 90_000_000) + 10_000_000)), s("nice_class", String(Int(random.next() % 45) + 1)),
                    s("mark_name", Self.words[Int(random.next() % UInt64(Self.words.count))]), s("valid_from", occurred.iso),
                    s("valid_to", occurred.adding(days: 3652).iso)]
        case "annual_report":
            return [s("year", String(occurred.components.year - 1)), s("reported_on", occurred.iso), s("business_status", "开业"),
                    s("employees", String(Int(random.next() % 500) + 1))]
        case "credit_repair":
            return [s("repaired_category", "admin_penalty"), s("repaired_id", "ADM-\(province)-\(pad(Int(random.next() % 1000) + 1))"),
                    s("decision_date", occurred.iso), s("authority", authority)]
        case "risk_class":
            let (y, m, _) = occurred.components
            return [s("class", ["A", "A", "B", "B", "B", "C", "D"][Int(random.next() % 7)]), s("period", "\(y)-\(two(m))"), s("model_version", "2022-6")]
        default:
            return []
        }
    }

    // MARK: - Names and codes

    mutating func companyName() -> String {
        let city = Self.cities[Int(random.next() % UInt64(Self.cities.count))]
        let word = Self.words[Int(random.next() % UInt64(Self.words.count))]
        let trade = Self.trades[Int(random.next() % UInt64(Self.trades.count))]
        return "\(city)\(word)\(trade)有限公司"
    }

    mutating func personName() -> String {
        let family = Self.families[Int(random.next() % UInt64(Self.families.count))]
        let given = Self.givens[Int(random.next() % UInt64(Self.givens.count))]
        return family + given
    }

    /// A code valid by both checks: `prefix` (e.g. "91"), a six-digit division, an organization
    /// code with its check character, and the final check character.
    static func makeUSCC(prefix: String, division: String, random: inout SeededGenerator) -> String {
        let bodyCharacters = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        while true {
            let body = (0..<8).map { _ in bodyCharacters[Int(random.next() % UInt64(bodyCharacters.count))] }
            guard let organizationCheck = USCC.organizationCheckCharacter(body) else { continue }
            let prefix17 = prefix + division + String(body) + String(organizationCheck)
            guard let check = USCC.checkCharacter(forPrefix: prefix17) else { continue }
            return prefix17 + String(check)
        }
    }

    func pad(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, 7 - text.count)) + text
    }

    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
    func format4(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    static let cities = ["广州", "深圳", "珠海", "佛山", "东莞", "中山", "惠州", "江门", "汕头", "湛江", "韶关", "肇庆", "清远", "梅州", "潮州"]
    static let words = ["华信", "远航", "恒达", "金鹏", "瑞丰", "博创", "新锐", "嘉禾", "天成", "众诚", "宏图", "海川", "星辰", "鼎盛", "安泰", "和美"]
    static let trades = ["科技", "贸易", "实业", "电子", "食品", "建材", "物流", "餐饮", "服装", "医药", "信息技术", "新能源"]
    static let families = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"]
    static let givens = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "晓东"]
    static let streets = ["天河路", "深南大道", "人民北路", "解放中路", "中山大道", "建设路", "滨海大道", "工业大道", "东风路"]
    static let scopes = ["一般项目：技术服务、技术开发、技术咨询；软件开发", "食品销售；日用百货销售", "货物进出口；技术进出口", "建筑材料销售；五金产品零售", "餐饮服务；食品经营"]
    static let banks = ["中国工商银行股份有限公司", "中国建设银行股份有限公司", "招商银行股份有限公司", "广发银行股份有限公司", "平安银行股份有限公司"]
}
