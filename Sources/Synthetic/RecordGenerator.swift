public import LedgerCore
public import Quality

/// Realistic synthetic change records for tests, demos and benchmarks: valid Unified Social
/// Credit Codes, the category field sets and code tables of `shared/domain/`, Chinese names,
/// updates and revocations of earlier records. Deterministic for a given seed.
///
/// The output is clean under the default rules file (`QualityRules.bundled()`), per record and
/// across records, for audit periods in the years of its dates:
/// * a pool of at most `entityLimit` entities is reused; each entity's first record is its
///   registration, and every record about it carries its registered name and a type that agrees
///   with its USCC prefix;
/// * dates lie inside the calendar's covered years: decisions in a window of 300 days from
///   `start` (pulled inside the calendar if needed), recorded within 5 and published within 7
///   working days, listings within their deadlines, removals after a listing;
/// * a new entity's annual reports for each year from its establishment to the year before the
///   window's last follow its registration, each filed between 1 January and 30 June;
/// * decision, registration and task numbers are serial, so no two records repeat a decision.
/// * a credit repair names a current penalty of its entity decided on or before it, and the
///   penalty's next version, emitted right after, ends its publicity on the repair date.
///
/// Per-record work is O(1); memory is bounded by the entity pool and a ring of recent ids per
/// category (for updates and revocations).
public struct RecordGenerator: Sendable {
    public let province: String
    let provinceName: String
    let tables: DomainTables
    let calendar: WorkingCalendar
    var random: SeededGenerator
    let seed: UInt64
    /// First and last decision day.
    let window: (first: CivilDate, last: CivilDate)
    public internal(set) var produced = 0
    let regulatorUSCC: String
    /// Largest number of distinct entities.
    public let entityLimit: Int
    var entities: [SyntheticEntity] = []
    /// Records owed and emitted before any other: a new entity's annual reports, a repaired
    /// penalty's new version.
    enum Owed: Sendable {
        case annualReport(entity: Int, year: Int)
        case record(JSONValue)
    }
    var pending: [Owed] = []
    /// Ids issued so far per category.
    var issued: [String: Int] = [:]
    /// Recent (id number, entity) per category, for updates, revocations and credit repairs.
    var recent: [String: RecentIDs] = [:]
    let corporateTypes: [String]

    /// Categories with their share of a province's daily flow (percent of 88; annual reports
    /// follow registrations instead).
    static let mix: [(String, Int)] = [
        ("registration", 28), ("admin_license", 15), ("admin_penalty", 10), ("abnormal_list", 8),
        ("serious_violation", 2), ("spot_check", 8), ("equity_pledge", 4), ("ip_pledge", 2),
        ("trademark", 5), ("credit_repair", 2), ("risk_class", 4),
    ]
    static let mixTotal = mix.reduce(0) { $0 + $1.1 }
    /// Categories whose records are sometimes corrected (upsert of an existing id) or revoked.
    static let correctable: Set<String> = ["admin_license", "admin_penalty", "spot_check", "equity_pledge", "ip_pledge", "trademark"]
    /// The calendar shipped with Quality; a broken bundle is a build defect, caught by the tests.
    static let bundledCalendar: WorkingCalendar = {
        do { return try WorkingCalendar.bundled() } catch { preconditionFailure("Quality's bundled calendar.json is unusable: \(error)") }
    }()

    public init(province: String, seed: UInt64 = 1, tables: DomainTables, start: CivilDate = CivilDate(year: 2026, month: 1, day: 5),
                calendar: WorkingCalendar? = nil, entityLimit: Int = 100_000) {
        self.init(province: province, seed: seed, tables: tables, start: start, days: 300, calendar: calendar, entityLimit: entityLimit)
    }

    init(province: String, seed: UInt64, tables: DomainTables, start: CivilDate, days: Int, calendar: WorkingCalendar?, entityLimit: Int) {
        self.province = province
        self.provinceName = tables.nodes[province] ?? "示例省"
        self.tables = tables
        let calendar = calendar ?? Self.bundledCalendar
        self.calendar = calendar
        self.random = SeededGenerator(seed: seed ^ (UInt64(province) ?? 0))
        self.seed = seed
        self.entityLimit = max(1, entityLimit)
        // Leave room for deadlines before and after: 40 days inside the calendar on both ends.
        let first = max(start, calendar.firstDay.adding(days: 40))
        let last = max(first, min(start.adding(days: days - 1), calendar.lastDay.adding(days: -40)))
        window = (first, last)
        corporateTypes = (tables.codes["entity_type"] ?? ["有限责任公司"]).filter { $0 != "个体工商户" && $0 != "农民专业合作社" }
        self.regulatorUSCC = Self.makeUSCC(prefix: "11", division: String(province.prefix(2)) + "0000", random: &random)
    }

    /// The next record as canonical JSON bytes.
    public mutating func next() -> [UInt8] {
        CanonicalJSON.encode(nextValue())
    }

    public mutating func nextValue() -> JSONValue {
        produced += 1
        if !pending.isEmpty {
            switch pending.removeFirst() {
            case .annualReport(let entity, let year): return annualReport(entity: entity, year: year)
            case .record(let value): return value.setting("change_id", to: .string(changeID()))
            }
        }
        var category = pickCategory()
        if entities.isEmpty { category = "registration" }
        if category == "credit_repair" && (recent["admin_penalty"]?.isEmpty ?? true) { category = "admin_penalty" }
        switch category {
        case "registration":
            if entities.count < entityLimit { return newEntity() }
            let entity = Int(random.next() % UInt64(entities.count))
            return record("registration", id: entities[entity].registrationID, op: "upsert", entity: entity, occurred: randomDay())
        case "risk_class":
            let entity = randomEntity()
            if entities[entity].riskID == nil { entities[entity].riskID = newID("risk_class") }
            return record(category, id: entities[entity].riskID!, op: "upsert", entity: entity, occurred: randomDay())
        case "credit_repair":
            return creditRepair()
        case "abnormal_list":
            return abnormal(entity: randomEntity())
        default:
            let roll = random.next() % 100
            if Self.correctable.contains(category), var ring = recent[category], ring.count > 10, roll < 10 {
                let position = ring.pick(&random)
                let entry = ring[position]
                let id = idPrefix(category) + pad(entry.number)
                let occurred = randomDay()
                let value = record(category, id: id, op: roll < 8 ? "upsert" : "revoke", entity: entry.entity, occurred: occurred)
                if roll < 8 {
                    ring[position].record = value
                    ring[position].decided = occurred
                } else {
                    _ = ring.remove(at: position)
                }
                recent[category] = ring
                return value
            }
            let entity = randomEntity()
            let number = issued[category, default: 0] + 1
            issued[category] = number
            let occurred = randomDay()
            let value = record(category, id: idPrefix(category) + pad(number), op: "upsert", entity: entity, occurred: occurred)
            if Self.correctable.contains(category) {
                recent[category, default: RecentIDs()].add(.init(number: number, entity: entity, decided: occurred, record: value))
            }
            return value
        }
    }

    /// A repair of a recent, current penalty, decided on or after it; the penalty's next version,
    /// owed right after, ends its publicity on the repair date (同步修复) and is not touched again.
    mutating func creditRepair() -> JSONValue {
        let position = recent["admin_penalty"]!.pick(&random)
        let penalty = recent["admin_penalty"]!.remove(at: position)
        let span = max(0, window.last.day - penalty.decided.day)
        let repaired = penalty.decided.adding(days: Int(random.next() % UInt64(span + 1)))
        let value = record("credit_repair", id: newID("credit_repair"), op: "upsert", entity: penalty.entity, occurred: repaired,
                           repaired: idPrefix("admin_penalty") + pad(penalty.number))
        pending.append(.record(penalty.record.setting("fields.publicity_until", to: .string(repaired.iso))))
        return value
    }

    // MARK: - Entities

    /// A new entity's registration; its annual reports are queued behind it.
    mutating func newEntity() -> JSONValue {
        let occurred = randomDay()
        let earliest = CivilDate(year: calendar.coveredYears.lowerBound, month: 1, day: 1)
        let established = max(earliest, occurred.adding(days: -Int(random.next() % 1000)))
        let index = addEntity(established: established)
        // Reports for (up to three) years before the window's last one, from the year of establishment.
        let lastYear = window.last.year - 1
        let firstYear = max(established.year, lastYear - 2)
        if firstYear <= lastYear {
            for year in firstYear...lastYear { pending.append(.annualReport(entity: index, year: year)) }
        }
        return record("registration", id: entities[index].registrationID, op: "upsert", entity: index, occurred: occurred)
    }

    /// Adds an entity established on `established`; returns its index.
    mutating func addEntity(established: CivilDate, individual: Bool? = nil) -> Int {
        let individual = individual ?? (random.next() % 10 >= 8)
        let city = pickOne(Self.cities)
        let uscc = Self.makeUSCC(prefix: individual ? "92" : "91",
                                 division: String(province.prefix(2)) + format4(Int(random.next() % 40) * 100 + 100), random: &random)
        let name = individual ? "\(city)市\(pickOne(Self.words))\(pickOne(Self.trades))经营部" : "\(city)\(pickOne(Self.words))\(pickOne(Self.trades))有限公司"
        entities.append(SyntheticEntity(
            uscc: uscc, name: name, individual: individual, entityType: individual ? "个体工商户" : pickOne(corporateTypes),
            registrationID: newID("registration"), established: established))
        return entities.count - 1
    }

    mutating func randomEntity() -> Int { Int(random.next() % UInt64(entities.count)) }

    mutating func annualReport(entity: Int, year: Int) -> JSONValue {
        // Filed between 5 January and 20 June of the following year.
        let filed = CivilDate(year: year + 1, month: 1, day: 5).adding(days: Int(random.next() % 166))
        return record("annual_report", id: newID("annual_report"), op: "upsert", entity: entity, occurred: filed, year: year)
    }

    /// A listing, or the removal of an earlier listing of the entity.
    mutating func abnormal(entity: Int, removal: Bool? = nil, occurred: CivilDate? = nil) -> JSONValue {
        let id = newID("abnormal_list")
        if let listed = entities[entity].listedOn, removal ?? (random.next() % 3 == 0) {
            let removed = occurred ?? listed.adding(days: Int(random.next() % UInt64(max(1, window.last.day - listed.day + 1))))
            entities[entity].listedOn = nil
            return record("abnormal_list", id: id, op: "upsert", entity: entity, occurred: removed, listing: false)
        }
        let day = occurred ?? randomDay()
        if entities[entity].listedOn.map({ day < $0 }) ?? true { entities[entity].listedOn = day }
        return record("abnormal_list", id: id, op: "upsert", entity: entity, occurred: day, listing: true)
    }

    // MARK: - Records

    /// The kinds published in the publicity system within 20 working days: those the Guangdong
    /// report names, and the regulator's own listings and repairs (the rules file's `publicity`
    /// and `publicity_other` deadlines). Generated records are published on time.
    static let published: Set<String> = ["admin_license", "admin_penalty", "spot_check", "abnormal_list", "serious_violation", "credit_repair"]

    /// One record about `entity`, decided on `occurred`, recorded (and for the `published` kinds
    /// published) on time.
    mutating func record(_ category: String, id: String, op: String, entity index: Int, occurred: CivilDate,
                         year: Int? = nil, listing: Bool = true, repaired: String? = nil) -> JSONValue {
        let entity = entities[index]
        let recorded = (try? calendar.date(Int(random.next() % 6), workingDaysAfter: occurred)) ?? occurred
        var members: [JSONValue.Member] = [
            .init("v", .number(1)),
            .init("change_id", .string(changeID())),
            .init("province", .string(province)),
            .init("category", .string(category)),
            .init("id", .string(id)),
            .init("op", .string(op)),
            .init("entity", .object([.init("uscc", .string(entity.uscc)), .init("name", .string(entity.name))])),
            .init("fields", .object(fields(for: category, entity: entity, occurred: occurred, year: year, listing: listing, repaired: repaired))),
            .init("occurred_at", .string(occurred.iso)),
            .init("recorded_at", .string("\(recorded.iso)T\(two(Int(random.next() % 10) + 8)):\(two(Int(random.next() % 60))):00+08:00")),
            .init("source", .object([.init("name", .string("\(provinceName)市场监督管理局")), .init("uscc", .string(regulatorUSCC))])),
            .init("origin", .string("local")),
        ]
        if Self.published.contains(category) {
            let published = (try? calendar.date(Int(random.next() % 3), workingDaysAfter: recorded)) ?? recorded
            members.append(.init("published_at", .string("\(published.iso)T10:00:00+08:00")))
        }
        return .object(members)
    }

    mutating func fields(for category: String, entity: SyntheticEntity, occurred: CivilDate, year: Int?, listing: Bool,
                         repaired: String?) -> [JSONValue.Member] {
        func s(_ key: String, _ value: String) -> JSONValue.Member { .init(key, .string(value)) }
        let authority = "\(pickOne(Self.cities))市场监督管理局"
        let counterparty = entity.individual ? "个体工商户" : "法人及非法人组织"
        let serial = produced
        switch category {
        case "registration":
            let (capital, _) = amount(max: 5000)
            return [s("legal_rep", personName()), s("entity_type", entity.entityType),
                    s("registered_capital", capital), s("established_on", entity.established.iso),
                    s("address", "\(provinceName)\(pickOne(Self.cities))市\(pickOne(Self.streets))\(Int(random.next() % 800) + 1)号"),
                    s("business_scope", pickOne(Self.scopes)),
                    s("registration_authority", authority), s("status", pick("registration_status"))]
        case "admin_license":
            let validTo = random.next() % 20 == 0 ? "2099-12-31" : occurred.adding(days: 1826).iso
            return [s("decision_no", decisionNumber("许", occurred, serial)), s("decision_doc_name", "准予行政许可决定书"),
                    s("license_type", pick("license_type")), s("license_name", "食品经营许可证"), s("license_no", "JY1\(province)\(serial)"),
                    s("content", "食品销售经营者"), s("decision_date", occurred.iso), s("valid_from", occurred.iso),
                    s("valid_to", validTo), s("authority", authority), s("authority_uscc", regulatorUSCC),
                    s("status", "有效"), s("counterparty_type", counterparty)]
        case "admin_penalty":
            let fined = random.next() % 3 != 0
            let (fine, yuan) = amount(max: 50)
            var fields = [s("decision_no", decisionNumber("罚", occurred, serial)), s("violation_type", "违反产品质量法"),
                          s("violation_facts", "销售不合格产品"), s("legal_basis", "《中华人民共和国产品质量法》第四十九条"),
                          .init("penalty_types", .array(fined ? [.string("警告"), .string("罚款")] : [.string("警告")])),
                          s("penalty_content", fined ? "警告，罚款人民币\(yuan)元" : "警告"), s("decision_date", occurred.iso),
                          s("valid_until", occurred.adding(days: 365 * 3).iso), s("authority", authority),
                          s("authority_uscc", regulatorUSCC), s("counterparty_type", counterparty)]
            if fined { fields.append(s("fine_amount", fine)) }
            return fields
        case "abnormal_list":
            let reason = listing ? s("reason_in", pick("abnormal_reason_in")) : s("reason_out", pick("abnormal_reason_out"))
            var fields = [s("action", listing ? "列入" : "移出"), reason, s("decision_no", decisionNumber("异", occurred, serial)),
                          s("decision_date", occurred.iso), s("authority", authority)]
            if listing { fields.append(s("trigger_date", occurred.adding(days: -Int(random.next() % 8)).iso)) }
            return fields
        case "serious_violation":
            let threeYearsOn = occurred.adding(days: -Int(random.next() % 8))
            return [s("action", "列入"), s("reason", "被列入经营异常名录届满3年仍未履行相关义务"),
                    s("decision_no", decisionNumber("严", occurred, serial)), s("decision_date", occurred.iso), s("authority", authority),
                    s("abnormal_listed_on", threeYearsOn.adding(years: -3).iso)]
        case "spot_check":
            return [s("task_id", "SC\(occurred.year)\(province)\(serial)"), s("check_type", pick("check_type")),
                    s("check_date", occurred.iso), s("result", pick("check_result")), s("authority", authority)]
        case "equity_pledge":
            let (pledged, _) = amount(max: 2000)
            return [s("registration_no", "\(province)\(occurred.year)\(serial)"),
                    s("pledgor", personName()), s("pledged_amount", pledged), s("pledgee", pickOne(Self.banks)),
                    s("registered_on", occurred.iso), s("status", "有效")]
        case "ip_pledge":
            return [s("registration_no", "ZX\(occurred.year)\(province)\(serial)"), s("ip_type", pick("ip_type")),
                    s("ip_name", pickOne(Self.words)), s("pledgor", entity.name),
                    s("pledgee", pickOne(Self.banks)), s("period_from", occurred.iso),
                    s("period_to", occurred.adding(days: 730).iso), s("status", "有效")]
        case "trademark":
            return [s("reg_no", String(10_000_000 + serial)), s("nice_class", String(Int(random.next() % 45) + 1)),
                    s("mark_name", pickOne(Self.words)), s("valid_from", occurred.iso),
                    s("valid_to", occurred.adding(days: 3652).iso)]
        case "annual_report":
            return [s("year", String(year ?? occurred.year - 1)), s("reported_on", occurred.iso), s("business_status", "开业"),
                    s("employees", String(Int(random.next() % 500) + 1))]
        case "credit_repair":
            return [s("repaired_category", "admin_penalty"), s("repaired_id", repaired ?? ""),
                    s("decision_date", occurred.iso), s("authority", authority)]
        case "risk_class":
            let (y, m, _) = occurred.components
            return [s("class", ["A", "A", "B", "B", "B", "C", "D"][Int(random.next() % 7)]), s("period", "\(y)-\(two(m))"), s("model_version", "2022-6")]
        default:
            return []
        }
    }

    // MARK: - Choices

    mutating func pickCategory() -> String {
        var roll = Int(random.next() % UInt64(Self.mixTotal))
        for (category, share) in Self.mix {
            if roll < share { return category }
            roll -= share
        }
        return "registration"
    }

    mutating func randomDay() -> CivilDate {
        window.first.adding(days: Int(random.next() % UInt64(window.last.day - window.first.day + 1)))
    }

    /// The change id of the record being produced.
    func changeID() -> String { "\(province)-\(String(seed, radix: 16))-\(produced)" }

    func idPrefix(_ category: String) -> String { "\(category.uppercased().prefix(3))-\(province)-" }

    mutating func newID(_ category: String) -> String {
        let number = issued[category, default: 0] + 1
        issued[category] = number
        return idPrefix(category) + pad(number)
    }

    mutating func pick(_ table: String) -> String {
        pickOne(tables.codes[table] ?? ["其他"])
    }

    mutating func pickOne(_ values: [String]) -> String {
        values[Int(random.next() % UInt64(values.count))]
    }

    /// A 万元 amount with up to four places (whole yuan), and the same amount in yuan.
    mutating func amount(max: Int) -> (wan: String, yuan: Int) {
        let yuan = Int(random.next() % UInt64(max * 10_000)) + 5
        var fraction = String(yuan % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (fraction.isEmpty ? String(yuan / 10_000) : "\(yuan / 10_000).\(fraction)", yuan)
    }

    mutating func decisionNumber(_ kind: String, _ date: CivilDate, _ serial: Int) -> String {
        "\(pickOne(Self.cities).prefix(1))市监\(kind)〔\(date.year)〕\(serial)号"
    }

    mutating func personName() -> String {
        pickOne(Self.families) + pickOne(Self.givens)
    }

    /// A code valid by both checks: `prefix` (e.g. "91"), a six-digit division, an organization
    /// code with its check character, and the final check character.
    public static func makeUSCC(prefix: String, division: String, random: inout SeededGenerator) -> String {
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
