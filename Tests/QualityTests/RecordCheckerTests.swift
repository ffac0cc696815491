import Foundation
import LedgerCore
import Quality
import Synthetic
import Testing

@Suite("Per-record checks")
struct RecordCheckerTests {
    let checker = QualityTestSupport.checker
    let injector = QualityTestSupport.injector

    /// Clean generated records, a few of each category.
    static let samples: [JSONValue] = {
        var perCategory: [String: Int] = [:]
        return QualityTestSupport.generated(3000, seed: 11).filter { record in
            guard record["op"]?.stringValue == "upsert", let category = record["category"]?.stringValue else { return false }
            perCategory[category, default: 0] += 1
            return perCategory[category]! <= 6
        }
    }()

    /// Checks `value` in `period`, else in the month of its `recorded_at`, else in that of `clean`'s.
    func check(_ value: JSONValue, period: AuditPeriod? = nil, clean: JSONValue? = nil) throws -> [Finding] {
        let record = try AuditRecord(bytes: CanonicalJSON.encode(value), index: 42)
        let fallback = try clean.flatMap { QualityTestSupport.period(of: try AuditRecord(value: $0)) }
        return checker.check(record, period: try #require(period ?? QualityTestSupport.period(of: record) ?? fallback))
    }

    @Test("every per-record rule: clean gives nothing, the injected defect exactly one finding under it", arguments: QualityTestSupport.injector.recordRules)
    func injected(rule: String) throws {
        let definition = try #require(QualityTestSupport.rules.rule(rule))
        var injections = 0
        for clean in Self.samples {
            #expect(try check(clean).isEmpty, "clean \(clean["category"]!.stringValue!) \(clean["id"]!.stringValue!)")
            guard let defective = injector.inject(rule, into: clean) else { continue }
            injections += 1
            let findings = try check(defective, clean: clean)
            #expect(findings.count == 1, "\(rule) on \(clean["category"]!.stringValue!): \(findings.map { "\($0.rule) \($0.field ?? "") \($0.value ?? "")" })")
            let finding = try #require(findings.first)
            #expect(finding.rule == rule)
            #expect(finding.dimension == definition.dimension)
            #expect(finding.category == clean["category"]!.stringValue! || rule == RuleID.unknownCategory)
            #expect(finding.id == clean["id"]!.stringValue!)
            #expect(finding.index == 42)
            #expect(!finding.message.isEmpty && !finding.hint.isEmpty && !finding.messageEn.isEmpty && !finding.hintEn.isEmpty)
            #expect(!finding.message.contains("{") && !finding.hintEn.contains("{"))
        }
        #expect(injections > 0, "\(rule) was injected into some category")
    }

    func penalty(decided date: String, types: [String], recorded: String) -> JSONValue {
        let base = Self.samples.first { $0["category"]?.stringValue == "admin_penalty" && $0["fields"]?["fine_amount"] == nil }!
        return base.setting("fields.decision_date", to: .string(date)).setting("occurred_at", to: .string(date))
            .setting("fields.penalty_types", to: .array(types.map(JSONValue.string)))
            .setting("recorded_at", to: .string("\(recorded)T09:00:00+08:00")).setting("published_at", to: .string("\(recorded)T10:00:00+08:00"))
    }

    @Test("penalty types follow the code table of their decision date (2021-07-15)")
    func codesBefore() throws {
        // 2021: decisions before the cut-off use the old table.
        let old = try check(penalty(decided: "2021-03-01", types: ["暂扣或者吊销许可证、暂扣或者吊销执照"], recorded: "2023-01-31"))
        #expect(!old.contains { $0.rule == "conformance.code_value" })
        let wrongOld = try check(penalty(decided: "2021-03-01", types: ["通报批评"], recorded: "2023-01-31"))
        #expect(wrongOld.filter { $0.rule == "conformance.code_value" }.count == 1)
        #expect(wrongOld.first { $0.rule == "conformance.code_value" }?.message.contains("penalty_type_before_2021_07_15") == true)
        let new = try check(penalty(decided: "2023-01-03", types: ["通报批评"], recorded: "2023-01-09"))
        #expect(new.isEmpty, "\(new.map(\.rule))")
        // Late by the covered part of the period alone (2023-01-01 … 01-31): reported as "at least", no guess.
        // (Publication within 20 working days cannot be decided from January 2023 alone.)
        #expect(Set(old.map(\.rule)) == ["timeliness.collection", "timeliness.calendar_not_covered"])
        #expect(old.filter { $0.rule == "timeliness.collection" }.allSatisfy { $0.message.contains("至少") })
        // Not decidable from the covered part: reported as a calendar gap, not as on time or late.
        #expect(try check(penalty(decided: "2021-03-01", types: ["警告"], recorded: "2023-01-04")).map(\.rule) == ["timeliness.calendar_not_covered"])
    }

    @Test("USCC traps: letters in positions 1–2 pass, lower case and full width are conformance, a wrong check character accuracy")
    func usccTraps() throws {
        let clean = Self.samples.first { $0["category"]?.stringValue == "trademark" }!
        func rules(_ uscc: String) throws -> [String] { try check(clean.setting("entity.uscc", to: .string(uscc))).map(\.rule) }
        for valid in ["N2330106MF0123451K", "Y1110108MC00000120", "51110000MJ000000X0", "92340603MA2PBMYMX1"] {
            #expect(try rules(valid).isEmpty, "\(valid)")
        }
        #expect(try rules("91350100m000100Y43") == ["conformance.uscc_format"])
        #expect(try rules("９1350100M000100Y43") == ["conformance.uscc_format"])
        #expect(try rules("91350100M000100Y43 ") == ["conformance.uscc_format"])
        #expect(try rules("91350100M000100Y44") == ["accuracy.uscc_check"])
        #expect(try rules("91350100M000100X43") == ["accuracy.uscc_check"])
        let lower = try check(clean.setting("entity.uscc", to: .string("91350100m000100Y43")))
        #expect(lower.first?.message.contains("小写") == true)
        #expect(lower.first?.value == "91350100m000100Y43", "reported as written, never normalised")
    }

    @Test("amounts: 万元 strings, numbers are conformance, the yuan slip is accuracy")
    func amounts() throws {
        let fined = Self.samples.first { $0["fields"]?["fine_amount"] != nil }!
        func rules(_ amount: JSONValue, content: String? = nil) throws -> [String] {
            var record = fined.setting("fields.fine_amount", to: amount)
            if let content { record = record.setting("fields.penalty_content", to: .string(content)) }
            return try check(record).map(\.rule)
        }
        #expect(try rules(.string("0.005")).isEmpty)
        #expect(try rules(.string("1000")).isEmpty)
        #expect(try rules(.string("0.1234567")) == ["conformance.decimal_format"])
        for bad in ["-5", "1e3", "05", "5.", ".5", "1 000", "５"] {
            #expect(try rules(.string(bad)) == ["conformance.decimal_format"], "\(bad)")
        }
        #expect(try rules(.number(0.5)) == ["conformance.decimal_as_number"])
        #expect(try rules(.string("1000.01")) == ["accuracy.yuan_for_wan"])
        #expect(try rules(.string("500"), content: "罚款人民币500元") == ["accuracy.yuan_for_wan"])
        #expect(try rules(.string("5000"), content: "罚款人民币5,000元") == ["accuracy.yuan_for_wan"])
        #expect(try rules(.string("0.05"), content: "罚款人民币500元").isEmpty)
        #expect(try rules(.string("5"), content: "罚款5万元").isEmpty)
    }

    @Test("long-term: 2099-12-31 is the standard, other sentinels are conformance defects")
    func longTerm() throws {
        let license = Self.samples.first { $0["category"]?.stringValue == "admin_license" }!
        #expect(try check(license.setting("fields.valid_to", to: .string("2099-12-31"))).isEmpty)
        #expect(try check(license.setting("fields.valid_to", to: .string("9999-12-31"))).map(\.rule) == ["conformance.long_term_sentinel"])
    }

    @Test("timeliness counts working days, not calendar days (quality.md's example)")
    func timeliness() throws {
        let license = Self.samples.first { $0["category"]?.stringValue == "admin_license" }!
            .setting("occurred_at", to: .string("2026-09-30")).setting("fields.decision_date", to: .string("2026-09-30"))
            .setting("fields.valid_from", to: .string("2026-09-30"))
        let onTime = license.setting("recorded_at", to: .string("2026-10-12T09:00:00+08:00")).setting("published_at", to: .string("2026-10-12T10:00:00+08:00"))
        #expect(try check(onTime).isEmpty, "12 calendar days but 4 working days")
        let late = license.setting("recorded_at", to: .string("2026-10-19T09:00:00+08:00")).setting("published_at", to: .string("2026-10-19T10:00:00+08:00"))
        let findings = try check(late)
        #expect(findings.map(\.rule) == ["timeliness.collection"], "collected late; published within 20 working days")
        #expect(findings.first?.message.contains("9 个工作日") == true, "\(findings.first?.message ?? "")")
        // Judged once, in the month it was recorded.
        #expect(try check(late, period: AuditPeriod("2026-11")).isEmpty)
        // Never published: a finding in every month from the one its 20-working-day deadline
        // passes in (November) until it is published.
        let unpublished = onTime.setting("published_at", to: nil)
        let due = try QualityTestSupport.calendar.date(20, workingDaysAfter: try #require(CivilDate(iso: "2026-09-30")))
        #expect(due.iso.hasPrefix("2026-11"), "\(due.iso)")
        #expect(try check(unpublished).isEmpty, "not yet due at the end of October")
        #expect(try check(unpublished, period: AuditPeriod("2026-11")).map(\.rule) == ["timeliness.publicity"])
        #expect(try check(unpublished, period: AuditPeriod("2026-12")).map(\.rule) == ["timeliness.publicity"])
        #expect(try check(unpublished.setting("published_at", to: .string("2026-11-25T10:00:00+08:00")), period: AuditPeriod("2026-12")).isEmpty,
                "published (late) in November: judged in its recorded month only, nothing after")
        #expect(try check(unpublished.setting("recorded_at", to: .string("2026-09-30T18:00:00+08:00"))).isEmpty, "not yet due on 30 September")
        #expect(try check(unpublished, period: AuditPeriod("2026-09")).isEmpty, "recorded after the period: not judged")
    }

    @Test("licences and penalties are published within 20 working days (Guangdong 2024), not 7; 双公示 is listed, not scored")
    func publicationDeadline() throws {
        let penalty = Self.samples.first { $0["category"]?.stringValue == "admin_penalty" }!
            .setting("occurred_at", to: .string("2026-09-30")).setting("fields.decision_date", to: .string("2026-09-30"))
            .setting("recorded_at", to: .string("2026-10-12T09:00:00+08:00"))
        let calendar = QualityTestSupport.calendar
        let decided = try #require(CivilDate(iso: "2026-09-30"))
        let day15 = try calendar.date(15, workingDaysAfter: decided)
        let day21 = try calendar.date(21, workingDaysAfter: decided)
        // Working day 15: on time (the old 7-day rule on published_at flagged it).
        let onTime = penalty.setting("published_at", to: .string("\(day15.iso)T10:00:00+08:00"))
        #expect(try check(onTime, period: AuditPeriod("2026-10")).isEmpty)
        // Working day 21: late under timeliness.publicity, judged in the month it was recorded.
        let late = penalty.setting("published_at", to: .string("\(day21.iso)T10:00:00+08:00"))
        let findings = try check(late, period: AuditPeriod("2026-10"))
        #expect(findings.map(\.rule) == ["timeliness.publicity"])
        #expect(findings.first?.message.contains("21 个工作日") == true, "\(findings.first?.message ?? "")")
        // 双公示 reads its own field; late there is a finding of a weight-0 rule.
        let website = onTime.setting("fields.website_published_on", to: .string(try calendar.date(9, workingDaysAfter: decided).iso))
        #expect(try check(website, period: AuditPeriod("2026-10")).map(\.rule) == ["timeliness.double_publicity"])
        #expect(QualityTestSupport.rules.rule("timeliness.double_publicity")?.weight == 0)
        #expect(QualityTestSupport.rules.rule("timeliness.publicity")?.weight == 1)
        // The deadline citing the repealed 2015 rules is gone.
        #expect(!QualityTestSupport.rules.deadlines.contains { $0.id == "serious_violation_listing" })
    }

    @Test("a revocation is checked for its envelope only")
    func revoke() throws {
        let penalty = Self.samples.first { $0["category"]?.stringValue == "admin_penalty" }!
        let revoked = penalty.setting("op", to: .string("revoke")).setting("fields", to: .object([]))
        #expect(try check(revoked).isEmpty)
        #expect(try check(revoked.setting("entity.uscc", to: .string("91350100M000100Y44"))).map(\.rule) == ["accuracy.uscc_check"])
        #expect(try check(revoked.setting("source.name", to: nil)).map(\.rule) == ["completeness.required_field"])
        #expect(try check(penalty.setting("fields", to: .object([]))).count > 5, "the same content as an upsert is incomplete")
    }

    @Test("findings encode with snake_case keys")
    func encoding() throws {
        let finding = try #require(try check(injector.inject(RuleID.usccCheck, into: Self.samples[0])!).first)
        let json = String(decoding: try JSONEncoder().encode(finding), as: UTF8.self)
        #expect(json.contains(#""message_en""#) && json.contains(#""hint_en""#) && json.contains(#""dimension":"accuracy""#))
        #expect(try JSONDecoder().decode(Finding.self, from: Data(json.utf8)) == finding)
    }

    @Test("records the checker cannot read are errors")
    func unreadable() {
        #expect { try AuditRecord(bytes: Array("[1]".utf8)) } throws: { ($0 as? QualityError)?.code == "record.invalid" }
        #expect { try AuditRecord(bytes: Array(#"{"category":"x","id":"1","op":"delete"}"#.utf8)) } throws: { ($0 as? QualityError)?.code == "record.invalid" }
        #expect { try AuditRecord(bytes: Array("{".utf8)) } throws: { ($0 as? QualityError)?.code == "record.invalid" }
        // Read in place: not an object, a nested object that does not scan, no valid op.
        for bytes in ["[1]", #"{"category":"x","entity":{"uscc"},"id":"1","op":"upsert"}"#, #"{"category":"x","id":"1","op":"delete"}"#] {
            #expect { try AuditRecord(canonical: Array(bytes.utf8)) } throws: { ($0 as? QualityError)?.code == "record.invalid" }
        }
    }

    @Test("a record read in place from its canonical bytes gets the findings, values and group keys its parsed tree gets")
    func canonicalInPlace() throws {
        let generated = QualityTestSupport.generated(400, seed: 3)
        var values = generated
        for (n, rule) in injector.recordRules.enumerated() {
            for offset in 0..<3 {
                if let broken = injector.inject(rule, into: generated[(n * 3 + offset) % generated.count]) { values.append(broken) }
            }
        }
        for rule in injector.groupRules {
            let (clean, defective) = try #require(injector.groupFixture(rule, period: try AuditPeriod("2026-08"), tables: QualityTestSupport.tables))
            values += clean + defective
        }
        // Shapes a path can meet: not objects, empty, null, a number for a string, escapes.
        values += [
            generated[0].setting("entity", to: .string("91440300MA5FXXXX1X")),
            generated[1].setting("fields", to: .object([])),
            generated[2].setting("fields", to: .array([.string("x")])),
            generated[3].setting("fields", to: .null),
            generated[4].setting("occurred_at", to: .number(20_260_301)),
            generated[5].setting("entity", to: .object([.init("name", .string("\"引号\"\\与\n换行")), .init("uscc", .string("91350100M000100Y43"))])),
            generated[6].setting("source", to: .object([.init("name", .object([.init("nested", .bool(true))]))])),
        ]
        for (index, value) in values.enumerated() {
            let canonical = CanonicalJSON.encode(value)
            let tree = try AuditRecord(bytes: canonical, index: UInt64(index))
            let inPlace = try AuditRecord(canonical: canonical, index: UInt64(index))
            let label = "\(tree.category)/\(tree.id)"
            #expect(inPlace.category == tree.category && inPlace.id == tree.id && inPlace.op == tree.op, "\(label)")
            #expect(inPlace.entityUSCC == tree.entityUSCC && inPlace.entityName == tree.entityName, "\(label)")
            #expect(inPlace.occurredAt == tree.occurredAt && inPlace.recordedAt == tree.recordedAt && inPlace.publishedAt == tree.publishedAt)
            #expect(inPlace.fields == tree.fields, "\(label)")
            #expect(inPlace.value == tree.value, "\(label)")
            for period in [try AuditPeriod("2026-08"), QualityTestSupport.period(of: tree)].compactMap({ $0 }) {
                #expect(checker.check(inPlace, period: period) == checker.check(tree, period: period), "\(label) in \(period)")
                #expect(checker.isTimelinessChecked(inPlace, period: period) == checker.isTimelinessChecked(tree, period: period))
            }
            let (treeKeys, inPlaceKeys) = (QualityTestSupport.groups.groupKeys(for: tree), QualityTestSupport.groups.groupKeys(for: inPlace))
            #expect(inPlaceKeys.map(\.0) == treeKeys.map(\.0) && inPlaceKeys.map(\.1) == treeKeys.map(\.1), "\(label)")
        }
        // The injected defects are found in place too: the comparison covered findings.
        let found = values.reduce(0) { count, value in
            count + ((try? checker.check(AuditRecord(canonical: CanonicalJSON.encode(value)), period: try AuditPeriod("2026-08")))?.count ?? 0)
        }
        #expect(found >= injector.recordRules.count)
    }
}
