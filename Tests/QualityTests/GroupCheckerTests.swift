import LedgerCore
import Quality
import Synthetic
import Testing

@Suite("Cross-record checks")
struct GroupCheckerTests {
    let period = try! AuditPeriod("2026-08")

    @Test("every group rule: the clean story gives nothing, the defective one exactly one finding under it",
          arguments: QualityTestSupport.injector.groupRules)
    func fixtures(rule: String) throws {
        let definition = try #require(QualityTestSupport.rules.rule(rule))
        let (clean, defective) = try #require(QualityTestSupport.injector.groupFixture(rule, period: period, tables: QualityTestSupport.tables))
        let cleanRecords = try QualityTestSupport.auditRecords(clean)
        #expect(QualityTestSupport.groupFindings(cleanRecords, period: period).isEmpty)
        for record in cleanRecords {
            #expect(QualityTestSupport.checker.check(record, period: try #require(QualityTestSupport.period(of: record))).isEmpty, "\(record.category)")
        }
        let findings = QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(defective), period: period)
        #expect(findings.count == 1, "\(findings.map { "\($0.rule) \($0.category)/\($0.id)" })")
        #expect(findings.first?.rule == rule)
        #expect(findings.first?.dimension == definition.dimension)
        #expect(findings.first.map { !$0.message.isEmpty && !$0.hint.isEmpty && !$0.message.contains("{") } == true)
    }

    @Test("the annual report is owed only once 30 June of the period's year has passed")
    func annualReportDue() throws {
        let (_, defective) = try #require(QualityTestSupport.injector.groupFixture(RuleID.annualReportMissing, period: period, tables: QualityTestSupport.tables))
        let records = try QualityTestSupport.auditRecords(defective)
        #expect(QualityTestSupport.groupFindings(records, period: try AuditPeriod("2026-06")).isEmpty)
        let july = QualityTestSupport.groupFindings(records, period: try AuditPeriod("2026-07"))
        #expect(july.map(\.rule) == [RuleID.annualReportMissing])
        #expect(july.first?.category == "registration" && july.first?.value == "2025")
    }

    @Test("the latest version of a record stands for it; revoked records neither raise nor satisfy checks")
    func currentRecords() throws {
        let (clean, _) = try #require(QualityTestSupport.injector.groupFixture(RuleID.duplicateDecision, period: period, tables: QualityTestSupport.tables))
        let penalty = clean[2]
        // The same penalty, corrected later under its own id: one record, no duplicate.
        let corrected = penalty.setting("fields.violation_facts", to: .string("更正后的违法事实"))
        #expect(QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(clean + [corrected]), period: period).isEmpty)
        // A duplicate under another id that was revoked is no longer a duplicate.
        let twin = penalty.setting("id", to: .string("ADM-440000-9999999"))
        #expect(QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(clean + [twin]), period: period).map(\.rule) == [RuleID.identicalRecord])
        let revokedTwin = twin.setting("op", to: .string("revoke"))
        #expect(QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(clean + [twin, revokedTwin]), period: period).isEmpty)
        // A revoked registration registers nothing.
        let revokedRegistration = clean[0].setting("op", to: .string("revoke"))
        let orphans = QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(clean + [revokedRegistration]), period: period)
        #expect(orphans.map(\.rule) == Array(repeating: RuleID.noRegistration, count: clean.count - 1))
    }

    @Test("a name is checked against the registration in force at the record's decision date, not today's")
    func nameAtDecisionDate() throws {
        let (clean, _) = try #require(QualityTestSupport.injector.groupFixture(RuleID.nameMismatch, period: period, tables: QualityTestSupport.tables))
        let registration = clean[0]
        let penalty = try #require(clean.first { $0["category"]?.stringValue == "admin_penalty" })
        let decided = try #require(penalty.value(at: "occurred_at")?.stringValue.flatMap { CivilDate(iso: $0) })
        let oldName = try #require(penalty.value(at: "entity.name")?.stringValue)
        // Renamed after the penalty: the registration now carries the new name, effective after the decision.
        let renamed = registration.setting("entity.name", to: .string(oldName + "（更名后）"))
            .setting("occurred_at", to: .string(decided.adding(days: 10).iso))
        let before = clean.map { $0["category"]?.stringValue == "registration" ? renamed : $0 }
        let findings = QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(before), period: period)
        #expect(!findings.contains { $0.rule == RuleID.nameMismatch && $0.category == "admin_penalty" }, "made before the rename: not a defect")
        // Renamed before the penalty: the penalty should carry the new name.
        let renamedEarlier = renamed.setting("occurred_at", to: .string(decided.adding(days: -10).iso))
        let after = clean.map { $0["category"]?.stringValue == "registration" ? renamedEarlier : $0 }
        let mismatches = QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(after), period: period)
            .filter { $0.rule == RuleID.nameMismatch && $0.category == "admin_penalty" }
        #expect(mismatches.count == 1)
    }

    @Test("group keys: entity, decision and content groupings as the rules file declares them")
    func keys() throws {
        let (clean, _) = try #require(QualityTestSupport.injector.groupFixture(RuleID.duplicateDecision, period: period, tables: QualityTestSupport.tables))
        let records = try QualityTestSupport.auditRecords(clean)
        let groupings = records.map { QualityTestSupport.groups.groupKeys(for: $0).map(\.grouping) }
        #expect(groupings[0] == ["entity", "content"])      // registration
        #expect(groupings[2] == ["entity", "decision"])     // penalty
        let uscc = try #require(records[0].entityUSCC)
        #expect(records.allSatisfy { QualityTestSupport.groups.groupKeys(for: $0).first?.key == uscc })
        #expect(QualityTestSupport.groups.checkGroup("no_such_grouping", records: records, period: period).isEmpty)
    }
    @Test("a projection cut from canonical bytes is the tree projection, canonically encoded, with the same digest")
    func projectionBytes() throws {
        let generated = QualityTestSupport.generated(400)
        var values = generated
        for rule in QualityTestSupport.injector.groupRules {
            let (clean, defective) = try #require(QualityTestSupport.injector.groupFixture(rule, period: period, tables: QualityTestSupport.tables))
            values += clean + defective
        }
        for (n, rule) in QualityTestSupport.injector.recordRules.enumerated() {
            if let broken = QualityTestSupport.injector.inject(rule, into: generated[n % generated.count]) { values.append(broken) }
        }
        // Paths through values that are not objects, or objects without the path's members.
        values.append(generated[0].setting("entity", to: .string("91440300MA5FXXXX1X")))
        values.append(generated[1].setting("fields", to: .object([])))
        values.append(generated[2].setting("fields", to: .array([.string("x")])))
        var compared = 0
        for (index, value) in values.enumerated() {
            let canonical = CanonicalJSON.encode(value)
            let record = try AuditRecord(bytes: canonical, index: UInt64(index))
            let members = try #require(CanonicalMembers.scan(canonical))
            let tree = QualityTestSupport.groups.projection(record, canonical: canonical)
            let cut = QualityTestSupport.groups.projected(record, canonical: canonical, members: members)
            #expect(cut?.bytes == tree.map { CanonicalJSON.encode($0.value) }, "\(record.category)/\(record.id)")
            #expect(cut?.digest == tree?.contentDigest)
            #expect(cut?.uscc == tree?.entityUSCC)
            if cut != nil { compared += 1 }
        }
        #expect(compared > 300)
    }
}
