import LedgerCore
import Quality
import Synthetic
import Testing

@Suite("Generated data is clean")
struct GeneratedDataTests {
    @Test("20,000 generated records: no per-record and no group findings")
    func clean() throws {
        let values = QualityTestSupport.generated(20_000, seed: 2026)
        let records = try QualityTestSupport.auditRecords(values)
        var findings: [Finding] = []
        var latest = CivilDate(day: 0)
        for record in records {
            let recorded = try #require(record.recordedOn)
            latest = max(latest, recorded)
            findings += QualityTestSupport.checker.check(record, period: AuditPeriod(containing: recorded))
        }
        #expect(findings.isEmpty, "\(findings.prefix(5).map { "\($0.rule) \($0.category)/\($0.id) \($0.field ?? "") \($0.value ?? "")" })")
        // The group checks at the end of the data, when annual reports for the previous year are owed.
        let period = AuditPeriod(containing: latest)
        #expect(period.month >= 7)
        let groupFindings = QualityTestSupport.groupFindings(records, period: period)
        #expect(groupFindings.isEmpty, "\(groupFindings.prefix(5).map { "\($0.rule) \($0.category)/\($0.id) \($0.detailForTests)" })")
        // The data exercises what the checks look at.
        let categories = Set(records.map(\.category))
        #expect(categories.count == 12)
        #expect(records.contains { $0.op == .revoke })
        #expect(records.contains { $0.value.value(at: "fields.action")?.stringValue == "移出" })
    }

    @Test("deterministic per seed, registration first, entities reused within the pool")
    func shape() throws {
        #expect(QualityTestSupport.generated(500, seed: 3) == QualityTestSupport.generated(500, seed: 3))
        #expect(QualityTestSupport.generated(50, seed: 3) != QualityTestSupport.generated(50, seed: 4))
        var generator = RecordGenerator(province: "310000", seed: 9, tables: QualityTestSupport.tables, entityLimit: 50)
        var firstCategory: [String: String] = [:]
        for _ in 0..<3000 {
            let record = try AuditRecord(bytes: generator.next())
            let uscc = try #require(record.entityUSCC)
            if firstCategory[uscc] == nil { firstCategory[uscc] = record.category }
            #expect(record.value.value(at: "province")?.stringValue == "310000")
        }
        #expect(firstCategory.count == 50)
        #expect(firstCategory.values.allSatisfy { $0 == "registration" })
        #expect(generator.produced == 3000)
    }

    @Test("the README's example record exists after 10,000 records")
    func readmeExample() {
        #expect(QualityTestSupport.generated(10_000, seed: 1).contains {
            $0["category"]?.stringValue == "admin_penalty" && $0["id"]?.stringValue == "ADM-440000-0000001"
        })
    }
}

extension Finding {
    var detailForTests: String { "\(field ?? "") \(value ?? "") \(messageEn)" }
}
