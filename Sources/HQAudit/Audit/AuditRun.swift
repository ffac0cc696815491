import Foundation
import HQStorage
import LedgerCore
import Quality
import Reconcile

/// One audit in progress: its checkers, counts and open output files (see `ProvinceAuditor`).
struct AuditRun {
    let plan: AuditPlan
    let staging: URL
    let checker: RecordChecker
    let groups: GroupChecker
    let scratch: AuditScratch
    /// Records one side holds under an id the other lacks, by business key, paired after the
    /// merge (`pairByBusinessKey`). Mask 1: local, 0: central.
    let unpaired: AuditScratch
    var tally: AuditTally
    let findingsCSV: FindingsCSV
    /// `--by-source`: the problem list again, one file per source unit.
    let bySource: SourceSplitCSV?
    let gapsCSV: GapsCSV
    /// The `findings` and `gaps` arrays of audit.json, one element per line, joined at the end.
    let findingLines: OutputFile
    let gapLines: OutputFile
    let encoder = AuditDocument.encoder()
    var findingCount = 0
    var segmentFindings: [Finding.Segment: Int] = [:]
    var gapCount = 0
    /// What HQ's feed delivered to the province by the period's end and the merge has not met
    /// yet (`AuditRun+PushDown`).
    var pushedDown = PushedDownItems()

    init(plan: AuditPlan, staging: URL) throws {
        self.plan = plan
        self.staging = staging
        checker = RecordChecker(rules: plan.rules, calendar: plan.calendar)
        groups = GroupChecker(rules: plan.rules)
        scratch = try AuditScratch(directory: staging.appendingPathComponent("work"))
        unpaired = try AuditScratch(directory: staging.appendingPathComponent("unpaired"))
        tally = AuditTally(examplesPerRule: plan.examplesPerRule)
        findingsCSV = try FindingsCSV(url: staging.appendingPathComponent(AuditFiles.findings), language: plan.language, rules: plan.rules)
        bySource = plan.bySource ? try SourceSplitCSV(directory: staging.appendingPathComponent(AuditFiles.bySource, isDirectory: true), csv: findingsCSV) : nil
        gapsCSV = try GapsCSV(url: staging.appendingPathComponent(AuditFiles.gaps), language: plan.language)
        findingLines = try OutputFile(staging.appendingPathComponent("findings.jsonl"))
        gapLines = try OutputFile(staging.appendingPathComponent("gaps.jsonl"))
    }

    // MARK: Pass 1: merge

    /// What the mirror's cursor works out for each local record off the merge's path: its own
    /// findings, whether timeliness judges it this month, and its projection for the group pass.
    struct LocalCheck: Sendable {
        var findings: [Finding]
        var timeliness: Bool
        var projection: (uscc: String, row: AuditScratch.Row)?
        /// Stock or increment, by the record's `recorded_at`.
        var segment: Finding.Segment
        /// False when its information arose before the audit's scope: counted, not checked.
        var inScope: Bool
        /// The record's business key (`BusinessKey`), if it has every part.
        var businessKey: String?
    }

    /// A local record's own checks, off the merge's path (and again for a record paired late).
    static func localCheck(_ record: AuditRecord, canonical bytes: [UInt8], members: [CanonicalMembers.Member], index: UInt64,
                           period: AuditPeriod, years: Int?, checker: RecordChecker, groups: GroupChecker) -> LocalCheck {
        let segment = Self.segment(recorded: record.recordedOn, period: period)
        guard Self.inScope(occurred: record.occurredAt, period: period, years: years) else {
            // Not checked, but kept as context for the cross-record checks (an old registration).
            let context = groups.projected(record, canonical: bytes, members: members).map { projected in
                (projected.uscc, AuditScratch.Row(index: index, mask: 0, data: projected.bytes, digest: projected.digest, context: true))
            }
            return LocalCheck(findings: [], timeliness: false, projection: context, segment: segment, inScope: false)
        }
        let projection = groups.projected(record, canonical: bytes, members: members).map { projected in
            (projected.uscc, AuditScratch.Row(index: index, mask: segment == .increment ? AuditTally.incrementBit : 0,
                                              data: projected.bytes, digest: projected.digest))
        }
        return LocalCheck(findings: checker.check(record, period: period), timeliness: checker.isTimelinessChecked(record, period: period),
                          projection: projection, segment: segment, inScope: true,
                          businessKey: record.op == .upsert ? checker.businessKey(of: record) : nil)
    }

    /// Stock unless `recorded` falls in the audit month (a record with no valid `recorded_at`
    /// is stock: it cannot be shown to be new).
    static func segment(recorded: CivilDate?, period: AuditPeriod) -> Finding.Segment {
        recorded.map(period.contains) == true ? .increment : .stock
    }

    /// Whether a record decided on `occurred` is inside the rules' `audit_scope` for `period`;
    /// a missing or malformed date keeps it in scope, where its own finding reports it.
    static func inScope(occurred: String?, period: AuditPeriod, years: Int?) -> Bool {
        guard let years, let occurred, let date = CivilDate(iso: occurred) else { return true }
        return date > period.lastDay.adding(years: -years)
    }

    mutating func merge(mirror: any MirrorStore, mirrorSize: UInt64, register: any RegisterStore, registerSize: UInt64) async throws {
        let (province, period, checker, groups, years) = (plan.province, plan.period, checker, groups, plan.rules.scopeYears)
        var local = StateCursor(side: "mirror", pageSize: plan.pageSize, skipping: plan.rules.bookkeeping, fetch: { after, limit in
            try await mirror.state(size: mirrorSize, after: after, limit: limit)
        }, prepare: { row, bytes in
            let record = try AuditRecord(canonical: bytes, members: row.members, index: row.index)
            return Self.localCheck(record, canonical: bytes, members: row.members, index: row.index, period: period, years: years,
                                   checker: checker, groups: groups)
        })
        var central = StateCursor(side: "central register", pageSize: plan.pageSize, skipping: plan.rules.bookkeeping, fetch: { after, limit in
            try await register.state(province: province, size: registerSize, after: after, limit: limit)
        }, prepare: { _, _ in () })
        defer {
            local.cancel()
            central.cancel()
        }
        var localHead = try await local.next()
        var centralHead = try await central.next()
        while let (gap, advance) = GapClassifier.step(local: localHead?.row, central: centralHead?.row) {
            switch advance {
            case .local:
                // A record HQ lacks under this id may be there under another: paired by business key later.
                if gap?.kind == .missingCentral, localHead!.extra.inScope, let key = localHead!.extra.businessKey {
                    let row = localHead!.row
                    try unpaired.add(uscc: key, AuditScratch.Row(index: row.index, mask: 1, data: row.bytes, digest: nil))
                } else {
                    try checkLocal(localHead!.row, localHead!.extra, gap: gap)
                }
                localHead = try await local.next()
            case .central:
                let row = centralHead!.row
                if gap?.kind == .missingLocal, let key = checker.businessKey(of: try AuditRecord(canonical: row.bytes, members: row.members, index: nil)) {
                    try unpaired.add(uscc: key, AuditScratch.Row(index: row.index, mask: 0, data: row.bytes, digest: nil))
                } else {
                    try checkCentralOnly(row, gap: gap)
                }
                centralHead = try await central.next()
            case .both:
                try checkLocal(localHead!.row, localHead!.extra, gap: gap, central: centralHead!.row)
                tally.centralRecords += 1
                localHead = try await local.next()
                centralHead = try await central.next()
            }
        }
    }

    /// The records one side holds under ids the other lacks, grouped by business key: a key
    /// with exactly one local and one central record is one business fact under two ids, so it
    /// is compared as one (a conflict, or a match with `relatedness.id_differs`), not reported
    /// as one record missing on each side. Every other record gets its missing gap as before.
    mutating func pairByBusinessKey() throws {
        let (period, years, checker, groups) = (plan.period, plan.rules.scopeYears, checker, groups)
        var page = try unpaired.entities(rows: Self.groupPageRows)
        while !page.isEmpty {
            for (_, rows) in page {
                let locals = rows.filter { $0.mask == 1 }.compactMap { StateRow(canonical: $0.data, index: $0.index) }
                let centrals = rows.filter { $0.mask == 0 }.compactMap { StateRow(canonical: $0.data, index: $0.index) }
                func check(_ row: StateRow) throws -> LocalCheck {
                    let record = try AuditRecord(canonical: row.bytes, members: row.members, index: row.index)
                    return Self.localCheck(record, canonical: row.bytes, members: row.members, index: row.index, period: period, years: years,
                                           checker: checker, groups: groups)
                }
                if locals.count == 1, centrals.count == 1, let local = locals.first, let central = centrals.first {
                    var localCheck = try check(local)
                    let record = try AuditRecord(canonical: local.bytes, members: local.members, index: local.index)
                    let label = plan.rules.category(local.category)?.label ?? local.category
                    if let finding = checker.callerFinding(RuleID.idDiffers, for: record, field: "id", value: local.id, expected: central.id,
                                                           detail: ("\(label)：地方编号“\(local.id)”，总局编号“\(central.id)”（总局登记序号 \(central.index)）",
                                                                    "\(local.category): local id \(local.id), central id \(central.id) (central sequence \(central.index))")) {
                        localCheck.findings.append(finding)
                    }
                    try checkLocal(local, localCheck, gap: GapClassifier.compareByBusinessKey(local: local, central: central), central: central)
                    tally.centralRecords += 1
                    continue
                }
                for local in locals {
                    try checkLocal(local, try check(local), gap: GapClassifier.step(local: local, central: nil)?.gap)
                }
                for central in centrals {
                    try checkCentralOnly(central, gap: GapClassifier.step(local: nil, central: central)?.gap)
                }
            }
            page = try unpaired.entities(rows: Self.groupPageRows)
        }
    }

    /// A local state record: its own findings, a conflict with the centre if any, and its
    /// projection in the work table if cross-record checks concern it.
    mutating func checkLocal(_ row: StateRow, _ check: LocalCheck, gap: Gap?, central: StateRow? = nil) throws {
        guard check.inScope else {
            pushedDown.items[StateKey(category: row.category, id: row.id)] = nil
            tally.outOfScope += 1
            if let context = check.projection { try scratch.add(uscc: context.uscc, context.row) }
            return
        }
        if let gap { try write(gap) }
        var findings = check.findings
        if let gap, gap.kind == .conflict, let central {
            let (local, centre) = (row.value, central.value)
            let record = try AuditRecord(value: local, index: row.index)
            for path in gap.fields {
                let (mine, theirs) = (local.value(at: path)?.text ?? "", centre.value(at: path)?.text ?? "")
                let finding = checker.callerFinding(RuleID.centralLocalDiffers, for: record, field: path, value: mine, expected: theirs,
                                                    detail: ("地方为“\(mine)”，总局为“\(theirs)”", "local \"\(mine)\", central \"\(theirs)\""))
                if let finding { findings.append(finding) }
            }
        }
        if let gap, let finding = try gapFinding(gap, row) { findings.append(finding) }
        let pushDown = try pushDownCheck(row)
        if let finding = pushDown.finding { findings.append(finding) }
        tally.checked(category: row.category, segment: check.segment, timeliness: check.timeliness || pushDown.judged)
        if row.revoked { tally.revokedRecords += 1 }
        var seen: Set<String> = []
        let mask = tally.count(findings, category: row.category, segment: check.segment, seen: &seen)
        for finding in findings { try write(finding, segment: check.segment) }
        if var projection = check.projection {
            projection.row.mask |= mask
            try scratch.add(uscc: projection.uscc, projection.row)
        } else {
            tally.settle(category: row.category, segment: check.segment, mask: mask)
        }
    }

    /// The finding a gap makes against the province's own record: a record HQ lacks (the
    /// province's reporting is incomplete), or a revocation one side has and the other has not
    /// (同步修复). Conflicts are findings per field; missing_local has no local record.
    func gapFinding(_ gap: Gap, _ row: StateRow) throws -> Finding? {
        let rule: String
        switch gap.kind {
        case .missingCentral: rule = RuleID.missingCentral
        case .revokedLocalActiveCentral: rule = RuleID.revokedLocallyActiveCentrally
        case .revokedCentralActiveLocal: rule = RuleID.revokedCentrallyActiveLocally
        case .conflict, .missingLocal: return nil
        }
        let label = plan.rules.category(row.category)?.label ?? row.category
        let central = gap.centralIndex.map { "（总局登记序号 \($0)）" } ?? ""
        let centralEn = gap.centralIndex.map { " (central sequence \($0))" } ?? ""
        let record = try AuditRecord(value: row.value, index: row.index)
        return checker.callerFinding(rule, for: record, value: row.id,
                                     detail: ("\(label) \(row.id)\(central)", "\(row.category) \(row.id)\(centralEn)"))
    }

    /// A central record the province lacks (or holds revoked where the centre does too).
    mutating func checkCentralOnly(_ row: StateRow, gap: Gap?) throws {
        tally.centralRecords += 1
        guard let gap else { return }
        let record = try AuditRecord(canonical: row.bytes, members: row.members, index: nil)
        guard Self.inScope(occurred: record.occurredAt, period: plan.period, years: plan.rules.scopeYears) else { return }
        try write(gap)
        guard gap.kind == .missingLocal else { return }
        let label = plan.rules.category(row.category)?.label ?? row.category
        let segment = Self.segment(recorded: record.recordedOn, period: plan.period)
        let finding = checker.callerFinding(RuleID.missingLocal, for: record, value: row.id,
                                            detail: ("\(label) \(row.id)（总局登记序号 \(row.index)）", "\(row.category) \(row.id) (central sequence \(row.index))"))
        tally.countMissingLocal(finding, category: row.category, segment: segment)
        if let finding { try write(finding, segment: segment) }
    }

    // MARK: Pass 2: groups

    /// The cross-record checks, entity by entity from the work files: a page of entities is
    /// checked in parts at once (parsing and grouping are most of this pass) while the next
    /// page is read from the runs, then counted and written in entity order, so the output is
    /// the same as one thread's.
    mutating func checkGroups() async throws {
        let (groups, period) = (groups, plan.period)
        var page = try scratch.entities(rows: Self.groupPageRows)
        while !page.isEmpty {
            let current = page
            async let checking = Self.checkPage(current, groups: groups, period: period)
            let following = try scratch.entities(rows: Self.groupPageRows)
            let results = try await checking
            page = following
            for checked in results {
                for (row, category, findings) in checked where !row.context {
                    var seen: Set<String> = []
                    let segment: Finding.Segment = row.mask & AuditTally.incrementBit != 0 ? .increment : .stock
                    let mask = row.mask | tally.count(findings, category: category, segment: segment, seen: &seen)
                    for finding in findings { try write(finding, segment: segment) }
                    tally.settle(category: category, segment: segment, mask: mask)
                }
            }
        }
    }

    static let groupPageRows = 20_000

    /// The group findings of a page's entities, in eight parts at once, in page order. Eight,
    /// not two: with halves, one core idled while the page's read held the other, and again
    /// whenever one half finished first (this pass took 6.4 s of a 1M audit with halves, 5.7 s
    /// with eighths).
    static func checkPage(_ page: [(uscc: String, rows: [AuditScratch.Row])], groups: GroupChecker,
                          period: AuditPeriod) async throws -> [[(row: AuditScratch.Row, category: String, findings: [Finding])]] {
        let part = max(1, (page.count + 7) / 8)
        return try await withThrowingTaskGroup(of: (Int, [[(row: AuditScratch.Row, category: String, findings: [Finding])]]).self) { group in
            for start in stride(from: 0, to: page.count, by: part) {
                let entities = page[start..<min(start + part, page.count)]
                group.addTask { (start, try checkEntities(entities, groups: groups, period: period)) }
            }
            var parts: [(Int, [[(row: AuditScratch.Row, category: String, findings: [Finding])]])] = []
            for try await checked in group { parts.append(checked) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// The group findings of each record of `entities` (pure: no tally, no output).
    static func checkEntities(_ entities: ArraySlice<(uscc: String, rows: [AuditScratch.Row])>, groups: GroupChecker,
                              period: AuditPeriod) throws -> [[(row: AuditScratch.Row, category: String, findings: [Finding])]] {
        try entities.map { entity in
            var records: [AuditRecord] = []
            records.reserveCapacity(entity.rows.count)
            for row in entity.rows {
                var record = try AuditRecord(canonical: row.data, index: row.index)
                record.contentDigest = row.digest
                records.append(record)
            }
            // The entity's groups in order of appearance. Found by comparing keys while there
            // are few (most entities have a handful), by hashing once there are many.
            var found: [(grouping: String, key: String, records: [AuditRecord])] = []
            var position: [String: Int]?
            for record in records {
                for (grouping, key) in groups.groupKeys(for: record) {
                    let existing: Int?
                    if let index = position {
                        existing = index[grouping + "\u{1E}" + key]
                    } else {
                        existing = found.firstIndex { $0.key.hasSameBytes(as: key) && $0.grouping.hasSameBytes(as: grouping) }
                    }
                    if let existing {
                        found[existing].records.append(record)
                        continue
                    }
                    found.append((grouping, key, [record]))
                    if position != nil {
                        position![grouping + "\u{1E}" + key] = found.count - 1
                    } else if found.count > 32 {
                        position = Dictionary(found.enumerated().map { ($0.element.grouping + "\u{1E}" + $0.element.key, $0.offset) },
                                              uniquingKeysWith: { first, _ in first })
                    }
                }
            }
            var findingsByIndex: [UInt64: [Finding]] = [:]
            for (grouping, _, members) in found {
                for finding in groups.checkGroup(grouping, records: members, period: period) {
                    findingsByIndex[finding.index ?? .max, default: []].append(finding)
                }
            }
            return zip(entity.rows, records).map { row, record in (row, record.category, findingsByIndex[row.index] ?? []) }
        }
    }

    // MARK: Output

    mutating func write(_ finding: Finding, segment: Finding.Segment) throws {
        var finding = finding
        finding.segment = segment
        segmentFindings[segment, default: 0] += 1
        try findingsCSV.write(finding)
        try bySource?.write(finding)
        if findingCount > 0 { try findingLines.write(",\n") }
        try findingLines.write(try encoder.encode(finding))
        findingCount += 1
    }

    mutating func write(_ gap: Gap) throws {
        tally.count(gap)
        try gapsCSV.write(gap)
        if gapCount > 0 { try gapLines.write(",\n") }
        try gapLines.write(try encoder.encode(gap))
        gapCount += 1
    }

    /// Scores, writes audit.json and report.html, and closes every file.
    func finish(read: AuditDocument.MirrorRead, registerSize: UInt64, previous: AuditSummary?, inspections: [AuditDocument.InspectionEntry] = [],
                now: Date) throws -> AuditDocument {
        for inspection in inspections {
            for (offset, finding) in inspection.findings.enumerated() { try findingsCSV.write(inspection: inspection, number: offset + 1, finding) }
        }
        try findingsCSV.close()
        _ = try bySource?.close()
        try gapsCSV.close()
        try findingLines.close()
        try gapLines.close()
        let scorer = Scorer(rules: plan.rules)
        let score = scorer.score(tally.scoreInput)
        let segmentScores = tally.segments.mapValues { scorer.score($0.scoreInput) }
        var document = AuditDocument(plan: plan, score: score, segmentScores: segmentScores, segmentFindings: segmentFindings,
                                     tally: tally, read: read, registerSize: registerSize, previous: previous, createdAt: now)
        document.inspections = inspections.isEmpty ? nil : inspections
        let json = try OutputFile(staging.appendingPathComponent(AuditFiles.document))
        var header = try encoder.encode(document)
        header.removeLast()  // the closing brace: the arrays follow
        try json.write(header)
        try json.write(",\n\"findings\":[\n")
        try Self.copy(findingLines.url, into: json)
        try json.write("\n],\n\"gaps\":[\n")
        try Self.copy(gapLines.url, into: json)
        try json.write("\n]}\n")
        try json.close()
        try? FileManager.default.removeItem(at: findingLines.url)
        try? FileManager.default.removeItem(at: gapLines.url)
        let html = try OutputFile(staging.appendingPathComponent(AuditFiles.report))
        try html.write(AuditReportHTML(document: document, tally: tally, rules: plan.rules, language: plan.language).render())
        try html.close()
        return document
    }

    static func copy(_ url: URL, into file: OutputFile) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw AuditError(.output, "cannot read back \(url.path)", hint: "check the output directory")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: OutputFile.capacity), !chunk.isEmpty { try file.write(chunk) }
    }
}
