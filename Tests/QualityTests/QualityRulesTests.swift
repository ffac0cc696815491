import Foundation
import LedgerCore
import Quality
import Synthetic
import Testing

@Suite("Rules file")
struct QualityRulesTests {
    let rules = QualityTestSupport.rules

    @Test("the bundled copies are byte-identical to ops/ and name their hashes")
    func bundledCopies() throws {
        let opsRules = try QualityTestSupport.bytes("ops/rules/quality-rules.json")
        let opsCalendar = try QualityTestSupport.bytes("ops/calendar.json")
        #expect(try QualityTestSupport.bytes("Sources/Quality/Resources/rules/quality-rules.json") == opsRules)
        #expect(try QualityTestSupport.bytes("Sources/Quality/Resources/rules/calendar.json") == opsCalendar)
        #expect(rules.sha256 == SHA256Algorithm().hash(opsRules).hex)
        #expect(QualityTestSupport.calendar.sha256 == SHA256Algorithm().hash(opsCalendar).hex)
        #expect(rules.version == "2026.9" && rules.bookkeeping == ["central_risk_ack"] && rules.pushDown == PushDownRule(categories: ["central_risk", "cross_province"], workingDays: 20))
    }

    @Test("the central departments: bundled copy byte-identical to ops/, codes, kinds and lists checked, a bad file refused naming its key")
    func centralDepartments() throws {
        let ops = try QualityTestSupport.bytes("ops/rules/central-departments.json")
        #expect(try QualityTestSupport.bytes("Sources/Quality/Resources/rules/central-departments.json") == ops)
        let departments = try CentralDepartments.bundled()
        let kinds = Set(try #require(rules.codes["central_risk_kind"]))
        let lists = Set(try #require(rules.codes["central_risk_list"]))
        #expect(kinds == ["行政许可", "行政处罚", "严重失信主体名单", "抽查检查"])
        // Every department's kinds and lists are in the rules file's code tables.
        for department in departments.departments.values {
            #expect(department.kinds.isSubset(of: kinds) && department.lists.isSubset(of: lists), "\(department.code)")
        }
        #expect(departments.problem(code: "SPC", name: "最高人民法院", kind: "严重失信主体名单", list: "失信被执行人") == nil)
        #expect(departments.problem(code: nil, name: nil, kind: nil, list: nil) == "fields.source_dept_code is missing or empty")
        #expect(throws: QualityError.self) { try CentralDepartments(bytes: Array(#"{"schema":"creditsync.central-departments/1","version":"1","departments":{"spc":{"zh":"x","kinds":[],"lists":[]}}}"#.utf8)) }
        do {
            _ = try CentralDepartments(bytes: Array(#"{"schema":"creditsync.central-departments/1","version":"1","departments":{"SPC":{"zh":"最高人民法院","kinds":[],"lists":[],"code":"1"}}}"#.utf8))
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.key == "departments.SPC.code")
        }
    }

    @Test("the bundled domain tables are the shared ones")
    func domainSource() throws {
        let shared = URL(fileURLWithPath: "/work/shared/domain")
        try #require(FileManager.default.fileExists(atPath: shared.path), "only where shared/ is mounted")
        for name in ["codes.json", "categories.json"] {
            #expect(Array(try Data(contentsOf: shared.appendingPathComponent(name))) == (try QualityTestSupport.bytes("Sources/Quality/Resources/domain/" + name)), "\(name)")
        }
    }

    @Test("the calendar in ops/ is the shared domain calendar")
    func calendarSource() throws {
        let shared = URL(fileURLWithPath: "/work/shared/domain/calendar.json")
        try #require(FileManager.default.fileExists(atPath: shared.path), "only where shared/ is mounted")
        #expect(Array(try Data(contentsOf: shared)) == (try QualityTestSupport.bytes("ops/calendar.json")))
    }

    @Test("the catalogue covers every rule the checkers emit, with Chinese texts")
    func catalogue() throws {
        for id in RuleID.builtInRecordRules + RuleID.groupRules + RuleID.callerRules {
            let rule = try #require(rules.rule(id), "\(id)")
            #expect(!rule.hint.isEmpty && !rule.hintEn.isEmpty && !rule.message.isEmpty)
            #expect(rule.id.hasPrefix(rule.dimension.rawValue + "."), "\(id) is filed under \(rule.dimension)")
        }
        #expect(Set(rules.catalogue.map(\.dimension)) == Set(QualityDimension.allCases))
        #expect(rules.timelinessRules.contains("timeliness.collection"))
        #expect(rules.deadlines.count == 8)
        #expect(rules.codes["penalty_type"] == QualityTestSupport.tables.codes["penalty_type"])
        #expect(QualityDimension.allCases.map(\.chineseName) == ["全面性", "及时性", "完整性", "准确性", "规范性", "冗余性", "关联性"])
        #expect(QualityDimension.allCases.map(\.rawValue) == ["comprehensiveness", "timeliness", "completeness", "accuracy", "conformance", "redundancy", "relatedness"])
    }

    /// The shipped file with one textual edit.
    func edited(_ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: try QualityTestSupport.bytes("ops/rules/quality-rules.json"), as: UTF8.self)
        #expect(text.contains(old), "the edit's anchor is in the file")
        return Array(text.replacingOccurrences(of: old, with: new).utf8)
    }

    func error(_ bytes: [UInt8]) -> QualityError? {
        do {
            _ = try QualityRules(bytes: bytes)
            return nil
        } catch { return error }
    }

    @Test("invalid rules files name the bad key and give a hint")
    func errors() throws {
        let cases: [(old: String, new: String, key: String)] = [
            (#""format": "decimal", "unit": "10k_yuan", "required_if""#, #""format": "money", "unit": "10k_yuan", "required_if""#,
             "categories.admin_penalty.fields.fine_amount.format"),
            (#""codes": "penalty_type""#, #""codes": "penalty_kind""#, "categories.admin_penalty.fields.penalty_types.codes"),
            (#""required": true, "codes": "license_type""#, #""requried": true, "codes": "license_type""#, "categories.admin_license.fields.license_type.requried"),
            (#""after": "valid_from""#, #""after": "valid_since""#, "categories.admin_license.fields.valid_to.after"),
            (#""working_days": 20,"#, #""working_days": "20","#, "deadlines[3].working_days"),
            (#""to": "recorded_at""#, #""to": "fields.recorded_on""#, "deadlines[0].to"),
            (#""rule": "timeliness.collection""#, #""rule": "timeliness.collect""#, "deadlines[0].rule"),
            (#""dimension": "accuracy""#, #""dimension": "precision""#, "rules.accuracy.uscc_check.dimension"),
            (#""source": "notices/2023-25-data-quality-improvement.txt:33 (准确性); GB 32100-2015 check character","#, "",
             "rules.accuracy.uscc_check.source"),
            (#""message": "缺少必填项“{label}”（{field}）""#, #""message": "缺少必填项{name}""#, "rules.completeness.required_field.message"),
            (#""accuracy": {"zh": "准确性", "weight": 20},"#, "", "dimensions.accuracy"),
            (#""schema": "creditsync/quality-rules/v1""#, #""schema": "creditsync/quality-rules/v9""#, "schema"),
            (#""business_key": ["fields.decision_no", "entity.uscc"]"#, #""business_key": ["fields.decision_number", "entity.uscc"]"#,
             "categories.admin_license.business_key[0]"),
            (#""audit_scope": {"years": 3,"#, #""audit_scope": {"years": 0,"#, "audit_scope.years"),
            (#""redundancy.duplicate_decision", "redundancy.identical_record"]"#, #""redundancy.duplicate_decision", "redundancy.identical"]"#,
             "groupings.decision.checks[1]"),
        ]
        for (old, new, key) in cases {
            let failure = try #require(error(try edited(old, new)), "\(key) should be refused")
            #expect(failure.code == "rules.invalid")
            #expect(failure.key == key, "\(failure.message)")
            #expect(failure.message.hasPrefix(key))
            #expect(failure.hint.contains("ops/rules"))
        }
        #expect(error(Array("{".utf8))?.code == "rules.invalid")
        let missing = try #require(error(try edited(#""accuracy.uscc_check": {"#, #""accuracy.uscc_checks": {"#)))
        #expect(missing.key == "rules.accuracy.uscc_check", "a rule the checker emits must be defined")
        let orphan = try #require(error(try edited(#""rule": "timeliness.publicity""#, #""rule": "timeliness.collection""#)))
        #expect(orphan.key == "rules.timeliness.publicity", "an entry no check produces is refused")
    }

    @Test("adding a required field is an edit of the file: the checker reports it without a rebuild")
    func addRequiredField() throws {
        let record = try AuditRecord(value: QualityTestSupport.generated(400).first { $0["category"]?.stringValue == "admin_penalty" }!)
        let period = try #require(QualityTestSupport.period(of: record))
        #expect(QualityTestSupport.checker.check(record, period: period).isEmpty)

        let bytes = try edited(#""violation_type": {"zh": "违法行为类型", "required": true},"#,
                               #""violation_type": {"zh": "违法行为类型", "required": true}, "case_source": {"zh": "案件来源", "required": true},"#)
        let editedRules = try QualityRules(bytes: bytes)
        #expect(editedRules.sha256 != QualityTestSupport.rules.sha256)
        let findings = RecordChecker(rules: editedRules, calendar: QualityTestSupport.calendar).check(record, period: period)
        #expect(findings.map(\.rule) == ["completeness.required_field"])
        #expect(findings.first?.field == "fields.case_source")
        #expect(findings.first?.message.contains("案件来源") == true)
    }

    @Test("a new code table and a new deadline are edits of the file too")
    func addTableAndDeadline() throws {
        let record = try AuditRecord(value: QualityTestSupport.generated(400).first { $0["category"]?.stringValue == "spot_check" }!)
        let period = try #require(QualityTestSupport.period(of: record))
        // check_type now from a one-value table, and collection within 0 working days.
        let bytes = try edited(#""check_type": {"zh": "检查类型", "required": true, "codes": "check_type"}"#,
                               #""check_type": {"zh": "检查类型", "required": true, "codes": "check_type_2027"}"#)
        let tableBytes = Array(String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: #""codes": {"#, with: #""codes": {"check_type_2027": ["飞行检查"], "#)
            .replacingOccurrences(of: #""deadlines": ["#, with: #""deadlines": [{"id": "same_day", "rule": "timeliness.collection", "zh": "当日归集", "en": "same-day collection", "categories": ["spot_check"], "from": "occurred_at", "to": "recorded_at", "working_days": 0}, "#).utf8)
        let findings = RecordChecker(rules: try QualityRules(bytes: tableBytes), calendar: QualityTestSupport.calendar).check(record, period: period)
        #expect(findings.contains { $0.rule == "conformance.code_value" && $0.field == "fields.check_type" })
        let days = try QualityTestSupport.calendar.workingDays(after: try #require(record.occurredOn), through: try #require(record.recordedOn))
        #expect(findings.contains { $0.rule == "timeliness.collection" } == (days > 0))
    }

    @Test("a disabled rule reports nothing; a weight of 0 lists without scoring")
    func disabled() throws {
        let record = try AuditRecord(value: QualityTestSupport.injector.inject(RuleID.usccCheck, into: QualityTestSupport.generated(5)[0])!)
        let period = try #require(QualityTestSupport.period(of: record))
        let bytes = try edited(#""accuracy.uscc_check": {"#, #""accuracy.uscc_check": {"enabled": false, "#)
        #expect(RecordChecker(rules: try QualityRules(bytes: bytes), calendar: QualityTestSupport.calendar).check(record, period: period).isEmpty)
        #expect(QualityTestSupport.checker.check(record, period: period).map(\.rule) == ["accuracy.uscc_check"])
        #expect(rules.rule("timeliness.calendar_not_covered")?.weight == 0)
    }
}
