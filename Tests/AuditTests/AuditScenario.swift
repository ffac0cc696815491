import Foundation
import Gzip
import HQNode
import LedgerCore
import Quality
import Reconcile
import Synthetic
import Testing

/// A province's data with known defects: generated clean records, one injected defect per
/// per-record rule, one entity story per cross-record rule, and a central register that differs
/// from the province in known ways, one set of keys per gap kind.
struct AuditScenario {
    static let rules = try! QualityRules.bundled()
    static let calendar = try! WorkingCalendar.bundled()
    static let tables = try! DomainTables.bundled()
    static let checker = RecordChecker(rules: rules, calendar: calendar)
    static let injector = DefectInjector(rules: rules, calendar: calendar)

    struct Key: Hashable, CustomStringConvertible {
        var category: String
        var id: String
        var description: String { "\(category)/\(id)" }
    }

    struct Expected {
        var rule: String
        var key: Key
        /// The month whose audit must report it (timeliness: the month the record was recorded).
        var month: AuditPeriod
    }

    /// The province's log, in order.
    var local: [JSONValue]
    /// The central register's changes, in order.
    var central: [JSONValue]
    /// The scoring month: the one holding the latest recorded_at of the clean data.
    let period: AuditPeriod
    var injected: [Expected] = []
    /// Per cross-record rule, the keys of its entity story.
    var stories: [String: Set<Key>] = [:]
    var gaps: [Gap.Kind: Set<Key>] = [:]
    /// The field path changed centrally for each conflict key.
    var conflictPaths: [Key: String] = [:]
    /// Entities (`entity.uscc`, before and after injection) whose records may carry findings.
    var touchedEntities: Set<String> = []
    /// Local keys whose central copy has another id (the same decision number and USCC): paired by
    /// business key, each with a `relatedness.id_differs` finding.
    var idDiffers: Set<Key> = []

    static func key(_ value: JSONValue) -> Key { Key(category: value["category"]!.stringValue!, id: value["id"]!.stringValue!) }

    /// Clean data only; the central register equals the province.
    static func clean(count: Int, seed: UInt64) -> AuditScenario {
        var generator = RecordGenerator(province: "440000", seed: seed, tables: tables)
        let values = (0..<count).map { _ in generator.nextValue() }
        let latest = values.compactMap { $0["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) } }.max()!
        return AuditScenario(local: values, central: values.map(centralCopy), period: AuditPeriod(containing: latest))
    }

    /// Indices of `category`'s records written once, as an upsert: safe to change on their own.
    func singles(_ category: String) -> [Int] {
        var occurrences: [Key: Int] = [:]
        for value in local { occurrences[Self.key(value), default: 0] += 1 }
        return local.indices.filter {
            occurrences[Self.key(local[$0])] == 1 && local[$0]["op"]?.stringValue == "upsert" && local[$0]["category"]?.stringValue == category
        }
    }

    static func centralCopy(_ value: JSONValue) -> JSONValue {
        value.setting("change_id", to: .string("central-" + value["change_id"]!.stringValue!))
    }

    /// `value` with ids of its own: `suffix` after its id and change id, and after the id of the
    /// record it repairs, so a story's repair still names the story's penalty.
    static func suffixed(_ value: JSONValue, _ suffix: String) -> JSONValue {
        var renamed = value.setting("id", to: .string(value["id"]!.stringValue! + suffix))
            .setting("change_id", to: .string(value["change_id"]!.stringValue! + suffix))
        if let repaired = value.value(at: "fields.repaired_id")?.stringValue {
            renamed = renamed.setting("fields.repaired_id", to: .string(repaired + suffix))
        }
        return renamed
    }

    /// Clean data with every defect and gap kind.
    static func withDefects(count: Int, seed: UInt64) throws -> AuditScenario {
        var scenario = clean(count: count, seed: seed)
        var values = scenario.local
        let period = scenario.period
        // Keys written once, as an upsert: safe to change or drop without touching another state.
        var occurrences: [Key: Int] = [:]
        for value in values { occurrences[key(value), default: 0] += 1 }
        var free = values.indices.filter { occurrences[key(values[$0])] == 1 && values[$0]["op"]?.stringValue == "upsert" }
        func take(_ category: String, _ n: Int) -> [Int] {
            let chosen = Array(free.filter { values[$0]["category"]?.stringValue == category }.prefix(n))
            free.removeAll { chosen.contains($0) }
            return chosen
        }

        // Gaps. Central changes are derived from the final local log at the end.
        var dropCentral: Set<Key> = []
        var dropLocal: Set<Key> = []
        var revokeCentrally: [JSONValue] = []
        for index in take("trademark", 3) { scenario.gaps[.missingCentral, default: []].insert(key(values[index])); dropCentral.insert(key(values[index])) }
        for index in take("spot_check", 3) { scenario.gaps[.missingLocal, default: []].insert(key(values[index])); dropLocal.insert(key(values[index])) }
        for index in take("admin_license", 3) {
            guard case .object(let fields)? = values[index]["fields"], let first = fields.first else { continue }
            scenario.gaps[.conflict, default: []].insert(key(values[index]))
            scenario.conflictPaths[key(values[index])] = "fields." + first.key
        }
        for index in take("admin_penalty", 3) {
            scenario.gaps[.revokedCentralActiveLocal, default: []].insert(key(values[index]))
            revokeCentrally.append(.object([
                .init("category", values[index]["category"]!), .init("change_id", .string("central-revoke-\(index)")),
                .init("id", values[index]["id"]!), .init("op", .string("revoke")), .init("province", .string("440000")), .init("v", .number(1)),
            ]))
        }
        // One decision under two ids: centrally the same penalty under another id, once with a
        // differing field (a conflict found by business key), once with equal content (a match).
        var centralID: [Key: String] = [:]
        for (n, index) in take("admin_penalty", 2).enumerated() {
            let k = key(values[index])
            centralID[k] = k.id + "-HQ"
            scenario.idDiffers.insert(k)
            if n == 0 {
                scenario.gaps[.conflict, default: []].insert(k)
                scenario.conflictPaths[k] = "fields.violation_facts"
            }
        }
        // Keys revoked last locally after an upsert: the centre keeps the upsert.
        var lastIndex: [Key: Int] = [:]
        for (index, value) in values.enumerated() { lastIndex[key(value)] = index }
        let revokedLocally = lastIndex.filter { values[$0.value]["op"]?.stringValue == "revoke" && (occurrences[$0.key] ?? 0) >= 2 }
            .sorted { $0.value < $1.value }.prefix(3)
        #expect(revokedLocally.count == 3, "the generator revokes records")
        let keepCentralUpsert = Set(revokedLocally.map(\.value))
        for (key, _) in revokedLocally { scenario.gaps[.revokedLocalActiveCentral, default: []].insert(key) }

        // One defect per per-record rule, each in a record of its own.
        for rule in injector.recordRules {
            let isTimeliness = rules.rule(rule)?.dimension == .timeliness
            var placed = false
            for index in free.reversed() {
                guard let defective = injector.inject(rule, into: values[index]), let record = try? AuditRecord(value: defective) else { continue }
                let month = isTimeliness ? record.recordedOn.map(AuditPeriod.init(containing:)) ?? period : period
                guard checker.check(record, period: month).map(\.rule) == [rule] else { continue }
                scenario.touchedEntities.formUnion([values[index].value(at: "entity.uscc"), defective.value(at: "entity.uscc")].compactMap { $0?.stringValue })
                values[index] = defective
                free.removeAll { $0 == index }
                scenario.injected.append(Expected(rule: rule, key: key(defective), month: month))
                placed = true
                break
            }
            #expect(placed, "no record takes a single \(rule) defect")
        }

        // One entity story per cross-record rule, with ids of its own.
        for (n, rule) in injector.groupRules.enumerated() {
            let (_, defective) = try #require(injector.groupFixture(rule, period: period, tables: tables, seed: UInt64(500 + n)))
            let story = defective.map { suffixed($0, "-S\(n)") }
            scenario.stories[rule] = Set(story.map(key))
            scenario.touchedEntities.formUnion(story.compactMap { $0.value(at: "entity.uscc")?.stringValue })
            values += story
        }

        // An entity renamed after its records were decided: they carry the name of their day, which
        // is no defect (issue 25 item 8), so no finding may name them.
        let (renamedStory, _) = try #require(injector.groupFixture(RuleID.nameMismatch, period: period, tables: tables, seed: 900))
        let decided = renamedStory.compactMap { $0.value(at: "occurred_at")?.stringValue.flatMap { CivilDate(iso: $0) } }.max()!
        let renamedOn = decided.adding(days: 1)
        values += renamedStory.map { value in
            let renamed = suffixed(value, "-N")
            guard value["category"]?.stringValue == "registration" else { return renamed }
            return renamed.setting("entity.name", to: .string(value.value(at: "entity.name")!.stringValue! + "（更名后）"))
                .setting("occurred_at", to: .string(renamedOn.iso))
                .setting("recorded_at", to: .string(renamedOn.iso + "T16:00:00+08:00"))
        }

        // The central register: the final local log, less and plus the gaps.
        var central: [JSONValue] = []
        for (index, value) in values.enumerated() {
            let k = key(value)
            if dropCentral.contains(k) { continue }
            if keepCentralUpsert.contains(index) { continue }
            var copy = centralCopy(value)
            if let path = scenario.conflictPaths[k] { copy = copy.setting(path, to: .string("总局更正")) }
            if let id = centralID[k] { copy = copy.setting("id", to: .string(id)) }
            central.append(copy)
        }
        central += revokeCentrally
        scenario.central = central
        scenario.local = values.filter { !dropLocal.contains(key($0)) }
        return scenario
    }

    // MARK: Files and storage

    /// The local log as change records.
    var localRecords: [ChangeRecord] {
        get throws { try local.map { try ChangeRecord(parsing: CanonicalJSON.encode($0), province: "440000") } }
    }

    /// Writes the central register as two NDJSON files, the first gzip, with `junk` lines added
    /// to the plain one.
    func writeCentral(to directory: URL, junk: [String] = []) throws -> [URL] {
        let half = central.count / 2
        let lines = central.map { String(decoding: CanonicalJSON.encode($0), as: UTF8.self) }
        let gzipURL = directory.appendingPathComponent("central-1.ndjson.gz")
        let compressor = try GzipCompressor(level: 6)
        var compressed = compressor.compress(Array((lines[..<half].joined(separator: "\n") + "\n").utf8))
        compressed += compressor.finish()
        try Data(compressed).write(to: gzipURL)
        let plainURL = directory.appendingPathComponent("central-2.ndjson")
        try ((lines[half...] + junk).joined(separator: "\n") + "\n").write(to: plainURL, atomically: true, encoding: .utf8)
        return [gzipURL, plainURL]
    }
}
