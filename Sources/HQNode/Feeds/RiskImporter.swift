public import Foundation
import Gzip
import HQStorage
import Mirroring
public import LedgerCore
public import LineInput
import NationalCrypto
public import Quality
import SyncProtocol

/// `hq risk import`: central-origin risk records (`central_risk`: central departments' 行政许可,
/// 行政处罚, 严重失信主体名单 and 抽查检查 information; `cross_province`: another province's
/// decisions about an entity that moved) (NDJSON, plain or gzip, streamed) routed each to
/// the feed of its entity's province (`RiskRouter`). Each decision is logged in HQ's intake log
/// first (`CentralIntake`), then the item is appended to its feed as the province's record
/// (`CentralItem.routed`: `province` set, `origin: central`, the intake entry named), in chunks
/// (`FeedChunks`), or held with its reason (`HeldRiskStore`; `HeldRiskRelease` routes it again).
/// Items already held or placed are not decided again, so a re-import appends nothing. Lines that
/// are not usable records are reported as `FILE:LINE: reason` and skipped.
public struct RiskImporter: Sendable {
    public typealias Source = LineSource
    public typealias Rejection = LineRejection

    public struct Summary: Sendable, Equatable {
        public var read = 0
        public var appended = 0
        /// Records the feed already held (a re-import).
        public var repeated = 0
        public var rejected = 0
        /// Records that cannot be routed yet, held with their reason.
        public var held = 0
        /// New entries per province, and how each was routed.
        public var byProvince: [String: Int] = [:]
        public var byRegistration = 0
        public var byCode = 0
    }

    public let data: HQData
    /// Per category HQ pushes down (`central_risk`, and `cross_province` where the rules file
    /// describes it), its fields as the rules file describes them: which are required (or
    /// required when another field has a value), which take a code table, which are dates.
    public let categories: [String: [FieldRule]]
    public let codes: [String: Set<String>]
    public let nodes: Set<String>
    /// The central departments a `central_risk` record may come from, with their kinds and lists.
    public let departments: CentralDepartments
    public var chunkEntries = Int(FeedAPI.maximumDeliveryEntries)
    public var chunkBytes = 8 << 20

    /// `rules` (the operators' rules file) describes a `central_risk` record's fields and their
    /// code tables; `domain` gives the provinces. A rules file without the category is refused.
    public init(data: HQData, domain: DomainTables, rules: QualityRules, departments: CentralDepartments? = nil) throws(QualityError) {
        guard rules.category("central_risk") != nil else {
            throw QualityError(.invalidRules, "the rules file describes no central_risk category, so central risk records cannot be checked",
                               key: "categories.central_risk")
        }
        self.data = data
        var categories: [String: [FieldRule]] = [:]
        for name in Self.pushedDown { if let category = rules.category(name) { categories[name] = category.fields } }
        self.categories = categories
        if let departments { self.departments = departments } else { self.departments = try CentralDepartments.bundled() }
        self.codes = rules.codes.mapValues { Set($0) }
        self.nodes = Set(domain.nodes.keys)
    }

    /// The categories `hq risk import` takes: central departments' information and SAMR's own
    /// cross-province flows for entities that moved.
    public static let pushedDown = ["central_risk", "cross_province"]

    /// Lines read before the register is asked where their entities are registered (one read
    /// per batch: a query per record cost ten times the rest of the import).
    public var lookupBatch = 1000

    public func run(_ sources: [Source], now: @escaping @Sendable () -> Date = Date.init, onRejection: (Rejection) -> Void) async throws -> Summary {
        for source in sources where !FileManager.default.isReadableFile(atPath: source.path) {
            throw HQError(.input, "cannot read \(source.path)", hint: "check the file name and its permissions; nothing was imported")
        }
        return try await data.storage.withPushDownLock {
            try await locked(sources, now: now, onRejection: onRejection)
        }
    }

    /// `run` under the push-down lock: first what a stopped run left, then the files.
    private func locked(_ sources: [Source], now: @escaping @Sendable () -> Date, onRejection: (Rejection) -> Void) async throws -> Summary {
        let enrolments = try await data.registry.enrolments()
        let router = RiskRouter(nodes: nodes, enrolled: Set(enrolments.map(\.province)))
        let intake = try await CentralIntake(data: data)
        _ = try await intake.resume(data: data, router: router, enrolments: enrolments, now: now)
        var effects = IntakeEffects(data: data, enrolments: enrolments, chunkEntries: chunkEntries, chunkBytes: chunkBytes, now: now)
        var summary = Summary()

        func reject(_ source: String, _ number: Int, _ code: String, _ reason: String) {
            summary.rejected += 1
            onRejection(Rejection(source: source, line: number, code: code, reason: reason))
        }

        /// Routes usable lines, logs each decision in the intake log, then acts on them (feed
        /// entries, placements, held items), reporting unusable lines in file order. Items HQ
        /// holds or placed already (a re-import) are not decided again.
        func route(_ batch: [Line]) async throws {
            guard !batch.isEmpty else { return }
            let usable = batch.filter { $0.value != nil }
            let known = try await data.storage.heldRisk.known(changeIDs: usable.compactMap { $0.value?["change_id"]?.stringValue })
            let registered = try await data.storage.register.registrations(usccs: usable.map(\.uscc))
            var decisions: [IntakeEntry] = []
            var decided = Set<String>()
            for item in batch {
                guard let value = item.value else {
                    reject(item.source, item.line, item.rejection?.code ?? "", item.rejection?.reason ?? "")
                    continue
                }
                let changeID = value["change_id"]?.stringValue ?? ""
                // The same change id again in one batch: the first usable line's decision stands.
                if known.placed.contains(changeID) || decided.contains(changeID) {
                    summary.read += 1
                    summary.repeated += 1
                    continue
                }
                if known.held.contains(changeID) {
                    summary.held += 1
                    continue
                }
                let record = CentralItem.normalized(value)
                let decidedOn = value.value(at: RiskRouter.decisionDatePath)?.stringValue.flatMap { CivilDate(iso: $0) }
                let decision: IntakeEntry.Decision
                switch router.route(uscc: item.uscc, decidedOn: decidedOn, registrations: registered[item.uscc] ?? []) {
                case .held(let code, let reason):
                    decision = .held(code: code.rawValue, reason: reason)
                case .province(let province, let basis):
                    do {
                        try IntakeEffects.check(record, to: province)
                    } catch {
                        reject(item.source, item.line, error.code, error.message)
                        continue
                    }
                    decision = .routed(province: province, basis: basis.rawValue)
                }
                summary.read += 1
                decided.insert(changeID)
                decisions.append(IntakeEntry(item: changeID, uscc: item.uscc, decision: decision, after: nil, record: record, loggedAt: now()))
            }
            // Logged before anything acts on it; a decision logged by an earlier, interrupted
            // run stands.
            for logged in try await intake.log(decisions, now: now()) {
                switch logged.entry.decision {
                case .held: summary.held += 1
                case .routed(_, let basis): if basis == RiskRouter.Basis.registration.rawValue { summary.byRegistration += 1 } else { summary.byCode += 1 }
                case .withdrawn: break
                }
                try await effects.apply(logged)
            }
            try await effects.commit(data.storage.heldRisk)
        }

        for source in sources {
            guard let handle = FileHandle(forReadingAtPath: source.path) else {
                throw HQError(.input, "cannot open \(source.path)", hint: "check the file's permissions")
            }
            defer { try? handle.close() }
            var reader = LineReader(handle: handle, maximumLength: ChangeRecord.maximumSize)
            var batch: [Line] = []
            var lines = 0
            while true {
                let line: LineReader.Line?
                do {
                    line = try reader.next()
                } catch let error as GzipError {
                    try await route(batch)
                    throw HQError(.input, "\(source.name) is damaged gzip after line \(lines): \(error.description)",
                                  hint: "check it with `gzip -t`; the chunks already appended stay, the rest of this file was not imported, and a re-import after the fix adds only what is missing")
                }
                guard let line else { break }
                lines += 1
                switch line {
                case .tooLong(let number, let length):
                    batch.append(Line(source: source.name, line: number, rejection: (LedgerCoreError.Code.recordTooLarge.rawValue,
                                                                                    "record is \(length) bytes, over the \(ChangeRecord.maximumSize)-byte limit")))
                case .text(let number, let bytes):
                    do {
                        let value = try JSONParser.parse(bytes)
                        if let problem = problem(value) {
                            batch.append(Line(source: source.name, line: number, rejection: ("risk.invalid", problem)))
                        } else {
                            batch.append(Line(source: source.name, line: number, value: value, uscc: value.value(at: "entity.uscc")?.stringValue ?? ""))
                        }
                    } catch {
                        batch.append(Line(source: source.name, line: number, rejection: (error.code, error.message)))
                    }
                }
                if batch.count >= lookupBatch {
                    try await route(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try await route(batch)
        }
        try await intake.settled(data)
        summary.appended = effects.chunks.appended
        summary.repeated += effects.chunks.repeated
        summary.byProvince = effects.chunks.byProvince
        return summary
    }

    /// A line read: a usable record with its entity code, or why it is not one.
    struct Line {
        var source: String
        var line: Int
        var value: JSONValue?
        var uscc = ""
        var rejection: (code: String, reason: String)?
    }

    /// Why a line is not a usable record to push down, or nil.
    func problem(_ value: JSONValue) -> String? {
        guard case .object = value else { return "a record must be a JSON object" }
        guard let category = value["category"]?.stringValue, let fields = categories[category] else {
            return "category is \(value["category"].map { "\"\($0.text)\"" } ?? "missing"); hq risk import takes \(categories.keys.sorted().joined(separator: " and ")) records"
        }
        for key in ["change_id", "id"] where (value[key]?.stringValue ?? "").isEmpty {
            return "\(key) is missing or empty"
        }
        if let changeID = value["change_id"]?.stringValue, Self.reserved(changeID) {
            return "change_id \"\(changeID)\" has the form HQ gives its own feed entries (withdraw/…, …/after/N)"
        }
        if let op = value["op"], op.stringValue != "upsert", op.stringValue != "revoke" { return "op must be upsert or revoke" }
        guard value.value(at: "entity.uscc")?.stringValue != nil else { return "entity.uscc is missing: the record cannot be routed" }
        // The category's fields as the rules file gives them: every required one present, then
        // each present one in its code table and its date format (the audit checks the rest).
        func text(_ path: String) -> String? { value.value(at: path)?.stringValue }
        for field in fields where (text(field.path) ?? "").isEmpty {
            if field.required { return "\(field.path) is missing or empty" }
            if let condition = field.requiredIf, text(condition.path) == condition.value {
                return "\(field.path) is missing or empty (required when \(condition.path) is \(condition.value))"
            }
        }
        for field in fields {
            guard let text = text(field.path) else { continue }
            if let table = field.codes, !(codes[table]?.contains(text) ?? false) {
                return "\(field.path) \"\(text)\" is not in the \(table) code table"
            }
            if field.format == .date, CivilDate(iso: text) == nil {
                return "\(field.path) is not a YYYY-MM-DD date"
            }
        }
        if category == "central_risk" {
            return departments.problem(code: text("fields.source_dept_code"), name: text("fields.source_dept"), kind: text("fields.kind"),
                                       list: text("fields.list_name"))
        }
        return nil
    }

    /// Change ids HQ gives its own feed entries (`IntakeEntry.feedChangeID`, withdrawals): an
    /// item may not carry one, or a re-delivery could collide with it.
    static func reserved(_ changeID: String) -> Bool {
        if changeID.hasPrefix("withdraw/") { return true }
        guard let range = changeID.range(of: "/after/", options: .backwards) else { return false }
        let tail = changeID[range.upperBound...]
        return !tail.isEmpty && tail.allSatisfy(\.isASCII) && tail.allSatisfy(\.isNumber)
    }
}
