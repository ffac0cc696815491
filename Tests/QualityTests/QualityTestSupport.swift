import Foundation
import LedgerCore
import Quality
import Synthetic
import Testing

/// Shared, loaded once: the bundled rules and calendar, and helpers to run every check.
enum QualityTestSupport {
    static let rules = try! QualityRules.bundled()
    static let calendar = try! WorkingCalendar.bundled()
    static let tables = try! DomainTables.bundled()
    static let checker = RecordChecker(rules: rules, calendar: calendar)
    static let groups = GroupChecker(rules: rules)
    static let injector = DefectInjector(rules: rules, calendar: calendar)

    /// The repository root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// The month of the record's `recorded_at`, the period in which its timeliness is judged.
    static func period(of record: AuditRecord) -> AuditPeriod? {
        record.recordedOn.map(AuditPeriod.init(containing:))
    }

    static func generated(_ count: Int, seed: UInt64 = 7, province: String = "440000") -> [JSONValue] {
        var generator = RecordGenerator(province: province, seed: seed, tables: tables)
        return (0..<count).map { _ in generator.nextValue() }
    }

    /// Every group finding of `records`, gathering groups in memory as a caller would from a
    /// sorted stream.
    static func groupFindings(_ records: [AuditRecord], period: AuditPeriod, checker: GroupChecker = groups) -> [Finding] {
        var buckets: [String: [AuditRecord]] = [:]
        var order: [String] = []
        for record in records {
            for (grouping, key) in checker.groupKeys(for: record) {
                let bucket = grouping + "\u{0}" + key
                if buckets[bucket] == nil { order.append(bucket) }
                buckets[bucket, default: []].append(record)
            }
        }
        return order.flatMap { bucket in
            checker.checkGroup(String(bucket.prefix { $0 != "\u{0}" }), records: buckets[bucket]!, period: period)
        }
    }

    static func auditRecords(_ values: [JSONValue]) throws -> [AuditRecord] {
        try values.enumerated().map { try AuditRecord(bytes: CanonicalJSON.encode($0.element), index: UInt64($0.offset)) }
    }
}
