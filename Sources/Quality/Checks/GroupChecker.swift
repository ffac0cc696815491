public import LedgerCore

/// Cross-record checks over groups of records that share a key, so a caller can stream groups
/// out of a database sorted by (grouping, key) with memory bounded by the largest group.
///
/// Protocol: for every record, `groupKeys(for:)` names the groups it belongs to; the caller
/// gathers each group's records and calls `checkGroup(_:records:period:)` once per group. Feed the
/// current state (one record per (category, id), revoked ones included or not); if several
/// records of one (category, id) arrive, the one with the highest `index` (else the last) stands
/// for it. Revoked records are withdrawn: they neither raise nor satisfy any check.
///
/// The rules file declares the groupings (`groupings`: key paths, categories, checks) and the
/// checks' parameters (`relations`, `identical`):
/// * `relatedness.no_registration`: no registration in the group; every other record is reported;
/// * `relatedness.name_mismatch`: `entity.name` differs from every registration's name;
/// * `relatedness.removal_without_listing`: a removal (移出) with no listing (列入) of the same list
///   decided on or before it;
/// * `relatedness.repair_without_record` / `relatedness.repaired_still_active`: a credit repair
///   names no repairable record of its entity decided on or before it, or the record it repairs is
///   still shown (see `GroupChecker+Repairs.swift`);
/// * `comprehensiveness.annual_report_missing`: once the period ends after the due date (30 June)
///   of its year, an active registration established before that year with no annual report for
///   the previous year (reported on the registration);
/// * `redundancy.duplicate_decision` / `redundancy.identical_record`: several record ids in one
///   group; the first (lowest index) is the original, each later one is reported, as identical when
///   its content (the record without `identical.ignore` keys) equals an earlier one's. Content is
///   hashed only within groups of several records, so a grouping for identical records keys on
///   what identical records share (category, entity, date) and stays cheap.
public struct GroupChecker: Sendable {
    public let rules: QualityRules
    let catalogue: FindingList.Catalogue
    /// Groupings in file order, with their key paths split and their checks as a set.
    let groupings: [(rule: GroupingRule, key: [[String]], enabled: Set<String>)]
    /// The relation rules' paths, split once (each group used to split them again).
    let listAction: [String]
    let listDate: [String]
    let reportYear: [String]
    let reportStatus: [String]
    let reportEstablished: [String]
    /// `relations.repairs` paths: repaired category, repaired id, repair date, publicity end.
    let repairPaths: (category: [String], id: [String], date: [String], until: [String])
    /// Every path a group check reads (see `projection`).
    let projectedPaths: [[String]]
    /// Groupings that compare records' whole content.
    let identicalGroupings: Set<String>
    let identicalIgnoreBytes: [[UInt8]]
    /// `projectedPaths`, for cutting projections from canonical bytes.
    let projector: CanonicalProjection
    /// The rules' `decision_date` paths, split.
    let decisionDatePaths: [[String]]

    public init(rules: QualityRules) {
        self.rules = rules
        catalogue = FindingList.Catalogue(rules)
        groupings = rules.groupings.map { ($0, $0.key.map(RecordPath.components), Set($0.checks)) }
        let relations = rules.relations
        listAction = RecordPath.components(relations.lists.action)
        listDate = RecordPath.components(relations.lists.date)
        reportYear = RecordPath.components(relations.annualReports.year)
        reportStatus = RecordPath.components(relations.annualReports.status)
        reportEstablished = RecordPath.components(relations.annualReports.established)
        let repairs = relations.repairs
        repairPaths = (RecordPath.components(repairs.repairedCategory), RecordPath.components(repairs.repairedID),
                       RecordPath.components(repairs.date), RecordPath.components(repairs.publicityUntil))
        var paths = ["category", "id", "op", "entity.uscc", "entity.name", relations.lists.action, relations.lists.date,
                     relations.annualReports.year, relations.annualReports.established, relations.annualReports.status,
                     relations.repairs.repairedCategory, relations.repairs.repairedID, relations.repairs.date, relations.repairs.publicityUntil]
        for grouping in rules.groupings { paths += grouping.key }
        // What a group finding carries for dispatch (FindingList.Dispatch).
        paths += ["province", "recorded_at", "source.name", "source.uscc", "fields.authority", "fields.authority_uscc", "occurred_at"]
        paths += rules.decisionDate
        for category in rules.categories { paths += category.businessKey }
        var seen: Set<String> = []
        projectedPaths = paths.filter { seen.insert($0).inserted }.map(RecordPath.components)
        projector = CanonicalProjection(paths: projectedPaths)
        decisionDatePaths = rules.decisionDate.map(RecordPath.components)
        identicalGroupings = Set(rules.groupings.filter { $0.checks.contains(RuleID.identicalRecord) }.map(\.name))
        identicalIgnoreBytes = rules.identicalIgnore.map { Array($0.utf8) }
    }

    /// The groups `record` belongs to: one per grouping whose categories include the record's and
    /// whose key paths all hold non-empty strings. Keys are opaque strings; equal keys mean one group.
    public func groupKeys(for record: AuditRecord) -> [(grouping: String, key: String)] {
        var keys: [(grouping: String, key: String)] = []
        for (rule, paths, _) in groupings where rule.categories.contains(record.category) {
            var key = ""
            var complete = true
            for (position, path) in paths.enumerated() {
                guard let part = RecordPath.string(record.json, path), !part.isEmpty else {
                    complete = false
                    break
                }
                if position > 0 { key += "\u{1F}" }
                key += part
            }
            if complete { keys.append((rule.name, key)) }
        }
        return keys
    }

    /// `record` reduced to what the group checks read (its key, `op`, the groupings' key paths,
    /// the relation rules' paths) with its identical-content digest taken from the whole record;
    /// nil when it is revoked or in no group. Checking projections gives the same findings as
    /// checking the records, so an audit can sort a few hundred bytes per record instead of the
    /// record (a fifth of the bytes of a generated record).
    /// `canonical`: the record's canonical bytes, when the caller holds them: the digest is then
    /// hashed from slices of them instead of encoding the parsed record again.
    public func projection(_ record: AuditRecord, canonical: [UInt8]? = nil) -> AuditRecord? {
        guard record.op == .upsert else { return nil }
        let keys = groupKeys(for: record)
        guard !keys.isEmpty else { return nil }
        var reduced: [JSONValue.Member] = []
        for path in projectedPaths {
            guard let value = RecordPath.lookup(record.json, path) else { continue }
            Self.insert(value, at: path[...], into: &reduced)
        }
        guard var projected = try? AuditRecord(value: .object(reduced), index: record.index) else { return nil }
        if keys.contains(where: { identicalGroupings.contains($0.grouping) }) {
            projected.contentDigest = canonical.flatMap(contentHash(canonical:)) ?? contentHash(record)
        }
        return projected
    }

    /// What an audit keeps of a record for the group pass: `projection`'s canonical bytes, cut
    /// from the record's own (`CanonicalProjection`, without building or encoding a tree), the
    /// entity it is grouped under, and its identical-content digest when a grouping needs one.
    public struct Projected: Sendable, Equatable {
        public var uscc: String
        public var bytes: [UInt8]
        public var digest: String?
    }

    /// `record`'s projection as bytes: nil when `projection` gives none or it names no entity.
    /// `canonical` are the record's canonical bytes and `members` their top-level members.
    public func projected(_ record: AuditRecord, canonical: [UInt8], members: [CanonicalMembers.Member]) -> Projected? {
        guard record.op == .upsert, let uscc = record.entityUSCC else { return nil }
        // Which groups, as `groupKeys` finds them, without building the keys.
        var grouped = false
        var identical = false
        for (rule, paths, _) in groupings where rule.categories.contains(record.category) {
            guard paths.allSatisfy({ RecordPath.string(record.json, $0).map { !$0.isEmpty } ?? false }) else { continue }
            grouped = true
            if identicalGroupings.contains(rule.name) { identical = true }
        }
        guard grouped else { return nil }
        let digest = identical ? contentHash(canonical, members) : nil
        return Projected(uscc: uscc, bytes: projector.project(canonical, members), digest: digest)
    }

    static func insert(_ value: JSONValue, at path: ArraySlice<String>, into members: inout [JSONValue.Member]) {
        guard let first = path.first else { return }
        let index = members.firstIndex { $0.key.hasSameBytes(as: first) }
        if path.count == 1 {
            if let index { members[index].value = value } else { members.append(.init(first, value)) }
            return
        }
        var children: [JSONValue.Member] = []
        if let index, case .object(let existing) = members[index].value { children = existing }
        insert(value, at: path.dropFirst(), into: &children)
        if let index { members[index].value = .object(children) } else { members.append(.init(first, .object(children))) }
    }

    /// Findings for one group: all current records of one (grouping, key). An unknown grouping
    /// name gives no findings.
    public func checkGroup(_ grouping: String, records: [AuditRecord], period: AuditPeriod) -> [Finding] {
        guard let (rule, key, enabled) = groupings.first(where: { $0.rule.name == grouping }) else { return [] }
        let live = Self.current(records).filter { $0.op == .upsert && rule.categories.contains($0.category) }
        guard !live.isEmpty else { return [] }
        var findings: [Finding] = []
        if enabled.contains(RuleID.noRegistration) || enabled.contains(RuleID.nameMismatch) {
            checkRegistration(live, into: &findings, noRegistration: enabled.contains(RuleID.noRegistration),
                              nameMismatch: enabled.contains(RuleID.nameMismatch))
        }
        if enabled.contains(RuleID.removalWithoutListing) { checkLists(live, into: &findings) }
        if enabled.contains(RuleID.annualReportMissing) { checkAnnualReports(live, period: period, into: &findings) }
        if enabled.contains(RuleID.repairWithoutRecord) || enabled.contains(RuleID.repairedStillActive) {
            checkRepairs(live, into: &findings, unmatched: enabled.contains(RuleID.repairWithoutRecord),
                         stillActive: enabled.contains(RuleID.repairedStillActive))
        }
        if enabled.contains(RuleID.duplicateDecision) || enabled.contains(RuleID.identicalRecord) {
            checkDuplicates(live, key: key, duplicates: enabled.contains(RuleID.duplicateDecision),
                            identical: enabled.contains(RuleID.identicalRecord), into: &findings)
        }
        return findings
    }

    /// One record per (category, id): the highest index, else the last; in index (else input) order.
    static func current(_ records: [AuditRecord]) -> [AuditRecord] {
        var result: [AuditRecord] = []
        // Most groups are a few records: compare them pairwise instead of hashing their keys.
        if records.count <= 16 {
            for record in records {
                if let existing = result.firstIndex(where: { $0.category.hasSameBytes(as: record.category) && $0.id.hasSameBytes(as: record.id) }) {
                    if (record.index ?? .max) >= (result[existing].index ?? 0) { result[existing] = record }
                } else {
                    result.append(record)
                }
            }
            if result.allSatisfy({ $0.index != nil }) { result.sort { $0.index! < $1.index! } }
            return result
        }
        var position: [String: Int] = [:]
        for record in records {
            let identity = record.category + "\u{1F}" + record.id
            if let existing = position[identity] {
                if (record.index ?? .max) >= (result[existing].index ?? 0) { result[existing] = record }
            } else {
                position[identity] = result.count
                result.append(record)
            }
        }
        if result.allSatisfy({ $0.index != nil }) { result.sort { $0.index! < $1.index! } }
        return result
    }

    func add(_ rule: String, _ record: AuditRecord, field: String? = nil, value: String? = nil,
             detail: (zh: String, en: String) = ("", ""), into findings: inout [Finding]) {
        var list = FindingList(record, catalogue: catalogue)
        list.add(rule, field: field, label: field.flatMap(label), value: value, detail: detail)
        findings += list.findings
    }

    func label(_ path: String) -> String? {
        rules.envelope.first { $0.path == path }?.label ?? rules.categories.lazy.compactMap { $0.fields.first { $0.path == path }?.label }.first
    }

    func checkRegistration(_ live: [AuditRecord], into findings: inout [Finding], noRegistration: Bool, nameMismatch: Bool) {
        let relations = rules.relations
        let registrations = live.filter { $0.category == relations.registrationCategory }
        let others = live.filter { $0.category != relations.registrationCategory && !relations.exemptCategories.contains($0.category) }
        if registrations.isEmpty {
            guard noRegistration else { return }
            for record in others {
                add(RuleID.noRegistration, record, field: "entity.uscc", value: record.entityUSCC, into: &findings)
            }
            return
        }
        guard nameMismatch else { return }
        let names = Set(registrations.compactMap(\.entityName))
        // The registered name is known from the date the current registration took effect (its
        // occurred_at, e.g. a rename); a record decided before that used the name of its day.
        let effective = registrations.compactMap { $0.occurredAt.flatMap { CivilDate(iso: $0) } }.max()
        for record in others {
            guard let name = record.entityName, !name.isEmpty, !names.contains(name) else { continue }
            if let effective, let decided = decisionDate(of: record), decided < effective { continue }
            let registered = names.sorted().joined(separator: "、")
            add(RuleID.nameMismatch, record, field: "entity.name", value: name,
                detail: ("登记名称为“\(registered)”", "registered as \(registered)"), into: &findings)
        }
    }

    /// The first valid date among the rules' `decision_date` paths.
    func decisionDate(of record: AuditRecord) -> CivilDate? {
        for path in decisionDatePaths {
            if let text = RecordPath.string(record.json, path), let date = CivilDate(iso: text) { return date }
        }
        return nil
    }

    func checkLists(_ live: [AuditRecord], into findings: inout [Finding]) {
        let (lists, action, datePath) = (rules.relations.lists, listAction, listDate)
        for removal in live where lists.categories.contains(removal.category) && RecordPath.string(removal.json, action) == lists.removal {
            let removedOn = RecordPath.string(removal.json, datePath).flatMap { CivilDate(iso: $0) }
            let listed = live.contains { listing in
                guard listing.category == removal.category, RecordPath.string(listing.json, action) == lists.listing else { return false }
                guard let removedOn, let listedOn = RecordPath.string(listing.json, datePath).flatMap({ CivilDate(iso: $0) }) else { return true }
                return listedOn <= removedOn
            }
            if !listed {
                let name = rules.category(removal.category)?.label ?? removal.category
                let date = removedOn?.iso ?? "?"
                add(RuleID.removalWithoutListing, removal, field: lists.action, value: lists.removal,
                    detail: ("\(name)移出记录（决定日期 \(date)）之前没有该主体的\(lists.listing)记录",
                             "removal from \(removal.category) decided \(date) has no earlier listing of the entity"),
                    into: &findings)
            }
        }
    }

    func checkAnnualReports(_ live: [AuditRecord], period: AuditPeriod, into findings: inout [Finding]) {
        let reports = rules.relations.annualReports
        let due = CivilDate(year: period.year, month: reports.dueMonth,
                            day: min(reports.dueDay, CivilDate.daysIn(year: period.year, month: reports.dueMonth)))
        guard period.lastDay > due else { return }
        let (reportYear, yearPath) = (String(period.year - 1), self.reportYear)
        guard !live.contains(where: { $0.category == reports.category && RecordPath.string($0.value, yearPath) == reportYear }) else { return }
        let yearEnd = CivilDate(year: period.year - 1, month: 12, day: 31)
        let (status, established) = (reportStatus, reportEstablished)
        for registration in live where registration.category == rules.relations.registrationCategory {
            guard let state = RecordPath.string(registration.json, status), reports.active.contains(state),
                  let since = RecordPath.string(registration.json, established).flatMap({ CivilDate(iso: $0) }), since <= yearEnd else { continue }
            add(RuleID.annualReportMissing, registration, value: reportYear,
                detail: ("主体“\(registration.entityName ?? "")”（\(registration.entityUSCC ?? "")）成立于 \(since.iso)，截至 \(due.iso) 未报送 \(reportYear) 年度报告",
                         "\(registration.entityUSCC ?? "") (established \(since.iso)) has no annual report for \(reportYear), due by \(due.iso)"),
                into: &findings)
        }
    }

    func checkDuplicates(_ live: [AuditRecord], key: [[String]], duplicates: Bool, identical: Bool, into findings: inout [Finding]) {
        guard live.count > 1 else { return }
        let shown = key.first { $0 != ["category"] }
        let original = live[0]
        var hashes: [String] = identical ? [contentHash(original)] : []
        for record in live.dropFirst() {
            let hash = identical ? contentHash(record) : ""
            if identical, let twin = hashes.firstIndex(of: hash) {
                let first = live[twin]
                add(RuleID.identicalRecord, record, detail: ("与记录 \(first.category)/\(first.id) 内容完全相同", "identical to record \(first.category)/\(first.id)"),
                    into: &findings)
            } else if duplicates {
                add(RuleID.duplicateDecision, record, field: shown?.joined(separator: "."), value: shown.flatMap { RecordPath.string(record.json, $0) },
                    detail: ("与记录 \(original.category)/\(original.id) 为同一决定，以不同记录编号重复归集",
                             "is the same decision as record \(original.category)/\(original.id), under another record id"),
                    into: &findings)
            }
            if identical { hashes.append(hash) }
        }
    }

    /// SHA-256 (hex) of the record's canonical JSON without the `identical.ignore` keys, or the
    /// digest a projection carries.
    /// `contentHash` from canonical bytes: the same bytes `CanonicalJSON` would encode for the
    /// record less the ignored members, since a subset of canonical members is canonical.
    func contentHash(canonical bytes: [UInt8]) -> String? {
        CanonicalMembers.scan(bytes).map { contentHash(bytes, $0) }
    }

    func contentHash(_ bytes: [UInt8], _ members: [CanonicalMembers.Member]) -> String {
        let ignored = identicalIgnoreBytes
        return SHA256Algorithm().hash(CanonicalMembers.subset(bytes, members) { key in !ignored.contains { $0.elementsEqual(key) } }).hex
    }

    func contentHash(_ record: AuditRecord) -> String {
        if let digest = record.contentDigest { return digest }
        guard case .object(let members) = record.value else { return "" }
        let content = JSONValue.object(members.filter { !rules.identicalIgnore.contains($0.key) })
        return SHA256Algorithm().hash(CanonicalJSON.encode(content)).hex
    }
}
