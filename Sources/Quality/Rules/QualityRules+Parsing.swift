public import LedgerCore

extension QualityRules {
    /// Parses and validates a rules file. Pure: the bytes come from the caller. Any problem is a
    /// `rules.invalid` error whose `key` names the offending key, e.g.
    /// `categories.admin_penalty.fields.fine_amount.format`.
    public init(bytes: [UInt8]) throws(QualityError) {
        let root = try ConfigNode(parsing: bytes, code: .invalidRules, file: "the rules file")
        _ = try root.members(allowed: [
            "schema", "version", "description", "dimensions", "rules", "envelope", "decision_date", "categories", "codes",
            "amounts", "long_term", "deadlines", "uscc_prefix", "groupings", "relations", "identical", "bookkeeping", "audit_scope",
            "push_down", "inspection",
        ])
        let schemaNode = try root.required("schema")
        guard try schemaNode.string() == Self.schema else {
            throw schemaNode.error("this build reads \(Self.schema)")
        }
        version = try root.required("version").nonEmptyString()
        sha256 = SHA256Algorithm().hash(bytes).hex

        dimensionWeights = try Self.parseDimensions(try root.required("dimensions"))
        let codes = try Self.parseCodes(try root.required("codes"))
        self.codes = codes

        let (catalogue, ruleIndex) = try Self.parseCatalogue(try root.required("rules"))
        self.catalogue = catalogue
        self.ruleIndex = ruleIndex

        envelope = try Self.parseFields(try root.required("envelope"), prefix: "", codes: codes)
        if let node = root.optional("bookkeeping") {
            bookkeeping = Set(try node.strings())
        } else {
            bookkeeping = []
        }
        var categories: [CategoryRules] = []
        var categoryIndex: [String: Int] = [:]
        for (name, node) in try root.required("categories").members() {
            _ = try node.members(allowed: ["zh", "en", "description", "weight", "fields", "business_key"])
            categoryIndex[name] = categories.count
            let fields = try Self.parseFields(try node.required("fields"), prefix: "fields.", codes: codes)
            var businessKey: [String] = []
            if let keyNode = node.optional("business_key") {
                for element in try keyNode.elements() {
                    let path = try element.string()
                    guard fields.contains(where: { $0.path == path }) || envelope.contains(where: { $0.path == path }) else {
                        throw element.error("\"\(path)\" is not a field of \(name) or of the envelope")
                    }
                    businessKey.append(path)
                }
            }
            categories.append(CategoryRules(
                name: name, label: try node.required("zh").nonEmptyString(),
                weight: try node.optional("weight")?.number(in: 0...1_000_000) ?? 1,
                fields: fields, businessKey: businessKey))
        }
        if let scopeNode = root.optional("audit_scope") {
            _ = try scopeNode.members(allowed: ["years", "source", "description"])
            scopeYears = Int(try scopeNode.required("years").number(in: 1...100))
            _ = try scopeNode.required("source").nonEmptyString()
        } else {
            scopeYears = nil
        }
        guard !categories.isEmpty else { throw root.error("must declare at least one category", at: "categories") }
        self.categories = categories
        self.categoryIndex = categoryIndex
        if let node = root.optional("push_down") {
            _ = try node.members(allowed: ["categories", "working_days", "description"])
            var scope: Set<String> = []
            for element in try node.required("categories").elements() {
                let name = try element.string()
                guard categoryIndex[name] != nil else { throw element.error("unknown category \"\(name)\"; declare it under categories") }
                scope.insert(name)
            }
            pushDown = PushDownRule(categories: scope, workingDays: Int(try node.required("working_days").number(in: 1...250)))
        } else {
            pushDown = nil
        }
        var inspection: [String: String] = [:]
        if let node = root.optional("inspection") {
            for (kind, entry) in try node.members() where kind != "description" {
                guard InspectionKinds.all.contains(kind) else {
                    throw entry.error("unknown inspection kind; expected one of \(InspectionKinds.all.joined(separator: ", "))")
                }
                let id = try entry.string()
                guard let rule = catalogue.first(where: { $0.id == id }), rule.scope == .caller else {
                    throw entry.error("\"\(id)\" is not a caller rule under rules")
                }
                inspection[kind] = id
            }
        }
        self.inspection = inspection
        func category(_ node: ConfigNode) throws(QualityError) -> String {
            let name = try node.string()
            guard categoryIndex[name] != nil else { throw node.error("unknown category \"\(name)\"; declare it under categories") }
            return name
        }
        func categorySet(_ node: ConfigNode) throws(QualityError) -> Set<String> {
            var names: Set<String> = []
            for element in try node.elements() { names.insert(try category(element)) }
            return names
        }

        let envelopeFields = envelope
        /// A path names a declared field of the envelope or of every category in `scope`.
        func field(_ node: ConfigNode, in scope: Set<String>?, formats: Set<FieldRule.Format>? = nil) throws(QualityError) -> String {
            let path = try node.nonEmptyString()
            let scopes = scope.map { Array($0) } ?? categories.map(\.name)
            for name in scopes {
                let declared = envelopeFields.first { $0.path == path } ?? categories[categoryIndex[name]!].fields.first { $0.path == path }
                guard let declared else { throw node.error("\(path) is not a field of the envelope or of category \(name)") }
                if let formats, !(declared.format.map(formats.contains) ?? false) {
                    throw node.error("\(path) must have format \(formats.map(\.rawValue).sorted().joined(separator: " or "))")
                }
            }
            return path
        }
        func anyField(_ node: ConfigNode, formats: Set<FieldRule.Format>) throws(QualityError) -> String {
            let path = try node.nonEmptyString()
            guard (envelopeFields + categories.flatMap(\.fields)).contains(where: { $0.path == path && $0.format.map(formats.contains) == true }) else {
                throw node.error("\(path) is not a declared field of format \(formats.map(\.rawValue).sorted().joined(separator: " or "))")
            }
            return path
        }

        var decisionDate: [String] = []
        for element in try root.required("decision_date").elements() { decisionDate.append(try anyField(element, formats: [.date])) }
        self.decisionDate = decisionDate

        amounts = try Self.parseAmounts(try root.required("amounts"), fieldFormat: { path in
            (envelopeFields + categories.flatMap(\.fields)).first { $0.path == path }?.format
        })

        let longTermNode = try root.required("long_term")
        _ = try longTermNode.members(allowed: ["standard", "nonstandard", "description"])
        var nonstandard: Set<String> = []
        for element in try longTermNode.required("nonstandard").elements() { nonstandard.insert(try element.date().iso) }
        longTerm = LongTermDates(standard: try longTermNode.required("standard").date().iso, nonstandard: nonstandard)

        var deadlines: [DeadlineRule] = []
        for node in try root.required("deadlines").elements() {
            _ = try node.members(allowed: [
                "id", "rule", "zh", "en", "description", "categories", "when", "from", "from_plus_years", "to", "working_days", "missing", "window",
            ])
            let id = try node.required("id").nonEmptyString()
            guard !deadlines.contains(where: { $0.id == id }) else { throw node.error("duplicate deadline id \"\(id)\"", at: "id") }
            let ruleNode = try node.required("rule")
            let ruleID = try ruleNode.string()
            guard let definition = ruleIndex[ruleID].map({ catalogue[$0] }), definition.scope == .record else {
                throw ruleNode.error("\"\(ruleID)\" must be a rule of scope record in the rules catalogue")
            }
            let scope = try categorySet(try node.required("categories"))
            var when: [(path: String, value: String)] = []
            for (path, valueNode) in try node.optional("when")?.members() ?? [] {
                _ = try field(ConfigNode(.string(path), path: valueNode.path, code: .invalidRules), in: scope)
                when.append((path, try valueNode.string()))
            }
            let dates: Set<FieldRule.Format> = [.date, .datetime]
            let kind: DeadlineRule.Kind
            if let window = node.optional("window") {
                _ = try window.members(allowed: ["year", "date", "through"])
                let (month, day) = try Self.monthDay(try window.required("through"))
                kind = .annualWindow(year: try field(try window.required("year"), in: scope, formats: [.year]),
                                     date: try field(try window.required("date"), in: scope, formats: dates),
                                     throughMonth: month, throughDay: day)
            } else {
                let missingNode = node.optional("missing")
                let missing = try missingNode?.string() ?? "skip"
                guard missing == "skip" || missing == "late_after_deadline" else {
                    throw missingNode!.error("expected skip or late_after_deadline")
                }
                kind = .workingDays(from: try field(try node.required("from"), in: scope, formats: dates),
                                    to: try field(try node.required("to"), in: scope, formats: dates),
                                    limit: try node.required("working_days").int(in: 0...3650),
                                    fromPlusYears: try node.optional("from_plus_years")?.int(in: 0...100) ?? 0,
                                    lateWhenMissing: missing == "late_after_deadline")
            }
            deadlines.append(DeadlineRule(
                id: id, rule: ruleID, label: try node.required("zh").nonEmptyString(), labelEn: try node.required("en").nonEmptyString(),
                categories: scope, when: when, kind: kind))
        }
        self.deadlines = deadlines

        var usccPrefix: [PrefixRule] = []
        for node in try root.required("uscc_prefix").elements() {
            _ = try node.members(allowed: ["categories", "field", "expect", "description"])
            var expect: [String: Set<String>] = [:]
            for (prefix, valuesNode) in try node.required("expect").members() {
                guard prefix.utf8.count == 2, prefix.utf8.allSatisfy({ $0 < 0x80 }) else {
                    throw valuesNode.error("a prefix is the USCC's first two characters")
                }
                expect[prefix] = Set(try valuesNode.strings())
            }
            let scope = try categorySet(try node.required("categories"))
            usccPrefix.append(PrefixRule(categories: scope, field: try field(try node.required("field"), in: scope), expect: expect))
        }
        self.usccPrefix = usccPrefix

        var groupings: [GroupingRule] = []
        var identicalBy: [String: String] = [:]
        for (name, node) in try root.required("groupings").members() {
            _ = try node.members(allowed: ["key", "categories", "checks", "description"])
            let keyNode = try node.required("key")
            let key = try keyNode.strings()
            guard !key.isEmpty else { throw keyNode.error("must name at least one path") }
            let categoriesOfGrouping = try categorySet(try node.required("categories"))
            var checks: [String] = []
            for checkNode in try node.required("checks").elements() {
                let check = try checkNode.string()
                guard RuleID.groupRules.contains(check) else {
                    throw checkNode.error("\"\(check)\" is not a group check; expected one of \(RuleID.groupRules.joined(separator: ", "))")
                }
                if check == RuleID.identicalRecord {
                    for category in categoriesOfGrouping {
                        if let other = identicalBy.updateValue(name, forKey: category) {
                            throw checkNode.error("groupings \(other) and \(name) both run \(check) for \(category); each record would be reported twice")
                        }
                    }
                }
                checks.append(check)
            }
            groupings.append(GroupingRule(name: name, key: key, categories: categoriesOfGrouping, checks: checks))
        }
        self.groupings = groupings

        let relationsNode = try root.required("relations")
        _ = try relationsNode.members(allowed: ["registration_category", "exempt_categories", "lists", "annual_reports", "repairs", "description"])
        let listsNode = try relationsNode.required("lists")
        _ = try listsNode.members(allowed: ["categories", "action", "listing", "removal", "date"])
        let reportsNode = try relationsNode.required("annual_reports")
        _ = try reportsNode.members(allowed: ["category", "year", "due", "established", "status", "active"])
        let (dueMonth, dueDay) = try Self.monthDay(try reportsNode.required("due"))
        let repairsNode = try relationsNode.required("repairs")
        _ = try repairsNode.members(allowed: ["category", "repaired_category", "repaired_id", "date", "repairable", "publicity_until", "description"])
        relations = RelationRules(
            registrationCategory: try category(try relationsNode.required("registration_category")),
            exemptCategories: try categorySet(try relationsNode.required("exempt_categories")),
            lists: .init(categories: try categorySet(try listsNode.required("categories")), action: try listsNode.required("action").nonEmptyString(),
                         listing: try listsNode.required("listing").nonEmptyString(), removal: try listsNode.required("removal").nonEmptyString(),
                         date: try listsNode.required("date").nonEmptyString()),
            annualReports: .init(category: try category(try reportsNode.required("category")), year: try reportsNode.required("year").nonEmptyString(),
                                 dueMonth: dueMonth, dueDay: dueDay, established: try reportsNode.required("established").nonEmptyString(),
                                 status: try reportsNode.required("status").nonEmptyString(), active: Set(try reportsNode.required("active").strings())),
            repairs: .init(category: try category(try repairsNode.required("category")),
                           repairedCategory: try repairsNode.required("repaired_category").nonEmptyString(),
                           repairedID: try repairsNode.required("repaired_id").nonEmptyString(), date: try repairsNode.required("date").nonEmptyString(),
                           repairable: try categorySet(try repairsNode.required("repairable")),
                           publicityUntil: try repairsNode.required("publicity_until").nonEmptyString()))

        let identicalNode = try root.required("identical")
        _ = try identicalNode.members(allowed: ["ignore", "description"])
        identicalIgnore = Set(try identicalNode.required("ignore").strings())

        try Self.validateCatalogue(catalogue, ruleIndex: ruleIndex, deadlines: deadlines, rulesNode: try root.required("rules"))
    }

    static func parseDimensions(_ node: ConfigNode) throws(QualityError) -> [QualityDimension: Double] {
        var weights: [QualityDimension: Double] = [:]
        for (key, entry) in try node.members() {
            guard let dimension = QualityDimension(rawValue: key) else {
                throw entry.error("unknown dimension; expected one of \(QualityDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            _ = try entry.members(allowed: ["zh", "en", "weight", "description"])
            weights[dimension] = try entry.required("weight").number(in: 0...1_000_000)
        }
        for dimension in QualityDimension.allCases where weights[dimension] == nil {
            throw node.error("missing dimension", at: dimension.rawValue)
        }
        guard weights.values.contains(where: { $0 > 0 }) else { throw node.error("at least one dimension needs a weight above 0") }
        return weights
    }

    static func parseCodes(_ node: ConfigNode) throws(QualityError) -> [String: [String]] {
        var codes: [String: [String]] = [:]
        for (name, tableNode) in try node.members() {
            let values = try tableNode.strings()
            guard !values.isEmpty else { throw tableNode.error("a code table needs at least one value") }
            guard Set(values).count == values.count else { throw tableNode.error("lists a value twice") }
            codes[name] = values
        }
        return codes
    }

    static func parseCatalogue(_ node: ConfigNode) throws(QualityError) -> ([RuleDefinition], [String: Int]) {
        var catalogue: [RuleDefinition] = []
        var index: [String: Int] = [:]
        for (id, entry) in try node.members() {
            _ = try entry.members(allowed: [
                "dimension", "scope", "weight", "source", "enabled", "zh", "en", "message", "message_en", "hint", "hint_en", "description",
            ])
            let dimensionNode = try entry.required("dimension")
            guard let dimension = QualityDimension(rawValue: try dimensionNode.string()) else {
                throw dimensionNode.error("unknown dimension; expected one of \(QualityDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let scopeNode = try entry.required("scope")
            guard let scope = RuleDefinition.Scope(rawValue: try scopeNode.string()) else {
                throw scopeNode.error("expected record, group or caller")
            }
            func template(_ key: String) throws(QualityError) -> String {
                let templateNode = try entry.required(key)
                let text = try templateNode.nonEmptyString()
                if let unknown = FindingText.unknownPlaceholder(in: text) {
                    throw templateNode.error("unknown placeholder {\(unknown)}; use {label}, {field}, {value} or {detail}")
                }
                return text
            }
            index[id] = catalogue.count
            catalogue.append(RuleDefinition(
                id: id, dimension: dimension, scope: scope, weight: try entry.optional("weight")?.number(in: 0...1_000_000) ?? 1,
                source: try entry.required("source").nonEmptyString(),
                enabled: try entry.optional("enabled")?.bool() ?? true,
                name: try entry.required("zh").nonEmptyString(), nameEn: try entry.required("en").nonEmptyString(),
                message: try template("message"), messageEn: try template("message_en"),
                hint: try template("hint"), hintEn: try template("hint_en")))
        }
        return (catalogue, index)
    }

    /// Every rule the checkers emit is defined with the right scope, and every record or group
    /// rule in the catalogue is produced by something.
    static func validateCatalogue(_ catalogue: [RuleDefinition], ruleIndex: [String: Int], deadlines: [DeadlineRule], rulesNode: ConfigNode) throws(QualityError) {
        let expected: [(ids: [String], scope: RuleDefinition.Scope)] = [
            (RuleID.builtInRecordRules, .record), (RuleID.groupRules, .group), (RuleID.callerRules, .caller),
        ]
        for (ids, scope) in expected {
            for id in ids {
                guard let definition = ruleIndex[id].map({ catalogue[$0] }) else {
                    throw rulesNode.error("missing the definition of \(id), which the checkers emit", at: id)
                }
                guard definition.scope == scope else { throw rulesNode.error("must have scope \(scope.rawValue)", at: "\(id).scope") }
            }
        }
        let produced = Set(RuleID.builtInRecordRules + RuleID.groupRules + deadlines.map(\.rule))
        for definition in catalogue where definition.scope != .caller && !produced.contains(definition.id) {
            throw rulesNode.error("no check produces this rule: name it in a deadline, or give it scope caller", at: definition.id)
        }
    }

    static func parseFields(_ node: ConfigNode, prefix: String, codes: [String: [String]]) throws(QualityError) -> [FieldRule] {
        let entries = try node.members()
        let keys = Set(entries.map(\.key))
        var fields: [FieldRule] = []
        for (key, entry) in entries {
            _ = try entry.members(allowed: [
                "zh", "en", "description", "required", "required_if", "format", "codes", "codes_before", "list", "after", "unit", "max_length",
            ])
            var format: FieldRule.Format?
            if let formatNode = entry.optional("format") {
                let name = try formatNode.string()
                guard let parsed = FieldRule.Format(rawValue: name) else {
                    throw formatNode.error("unknown format \"\(name)\"; expected one of \(FieldRule.Format.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                format = parsed
            }
            func table(_ tableNode: ConfigNode) throws(QualityError) -> String {
                let name = try tableNode.string()
                guard codes[name] != nil else { throw tableNode.error("unknown code table \"\(name)\"; declare it under codes") }
                return name
            }
            func sibling(_ siblingNode: ConfigNode, _ name: String) throws(QualityError) -> String {
                guard keys.contains(name), name != key else {
                    throw siblingNode.error("\"\(name)\" is not another field of this \(prefix.isEmpty ? "envelope" : "category")")
                }
                return prefix + name
            }
            var requiredIf: (path: String, value: String)?
            if let conditionNode = entry.optional("required_if") {
                let members = try conditionNode.members()
                guard members.count == 1, let condition = members.first else {
                    throw conditionNode.error("expected one field and the value that makes this field required")
                }
                requiredIf = (try sibling(condition.node, condition.key), try condition.node.string())
            }
            var codesBefore: [FieldRule.CodesBefore] = []
            for (date, tableNode) in try entry.optional("codes_before")?.members() ?? [] {
                guard let cutoff = CivilDate(iso: date) else { throw tableNode.error("a cut-off must be a date YYYY-MM-DD") }
                codesBefore.append(.init(date: cutoff, table: try table(tableNode)))
            }
            var after: String?
            if let afterNode = entry.optional("after") {
                let name = try afterNode.string()
                after = try sibling(afterNode, name)
                guard format == .date, (try entries.first { $0.key == name }?.node.optional("format")?.string()) == "date" else {
                    throw afterNode.error("after compares two fields of format date")
                }
            }
            let unitNode = entry.optional("unit")
            let unit = try unitNode?.string()
            if let unit, unit != "10k_yuan" || format != .decimal {
                throw unitNode!.error("the only unit is 10k_yuan, on a field of format decimal (got \"\(unit)\")")
            }
            fields.append(FieldRule(
                path: prefix + key, key: key, label: try entry.required("zh").nonEmptyString(),
                required: try entry.optional("required")?.bool() ?? false, requiredIf: requiredIf, format: format,
                codes: try entry.optional("codes").map { (tableNode) throws(QualityError) in try table(tableNode) },
                codesBefore: codesBefore.sorted { $0.date < $1.date }, list: try entry.optional("list")?.bool() ?? false,
                after: after, unit: unit, maxLength: try entry.optional("max_length")?.int(in: 1...1_000_000)))
        }
        return fields
    }

    static func parseAmounts(_ node: ConfigNode, fieldFormat: (String) -> FieldRule.Format?) throws(QualityError) -> AmountRules {
        _ = try node.members(allowed: ["max_places", "yuan_for_wan", "description"])
        var slips: [AmountRules.YuanForWan] = []
        for (path, entry) in try node.required("yuan_for_wan").members() {
            guard fieldFormat(path) == .decimal else { throw entry.error("\(path) is not a field of format decimal") }
            _ = try entry.members(allowed: ["max", "text", "description"])
            let maxNode = try entry.required("max")
            guard let max = Double(try maxNode.string()), max > 0 else { throw maxNode.error("expected a positive decimal string") }
            slips.append(.init(field: path, max: max, text: try entry.optional("text")?.nonEmptyString()))
        }
        return AmountRules(maxPlaces: try node.required("max_places").int(in: 0...18), yuanForWan: slips)
    }

    /// `MM-DD`.
    static func monthDay(_ node: ConfigNode) throws(QualityError) -> (Int, Int) {
        guard let date = CivilDate(iso: "2000-" + (try node.string())) else { throw node.error("expected MM-DD") }
        let (_, month, day) = date.components
        return (month, day)
    }
}
