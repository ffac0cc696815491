public import Foundation
public import HQStorage
import LedgerCore
import Quality
import Reconcile

/// One province's monthly audit (DESIGN §8): the central register against the province's
/// verified mirror state, and the seven quality dimensions over that state.
///
/// Two passes, memory flat in the record count:
/// 1. **Merge.** Both states are read in key order, a page at a time, and merged
///    (`GapClassifier`): every key is classified once, with no query per record. Each local
///    record is checked on its own (`RecordChecker`); those that take part in cross-record
///    checks are copied to a local work table (`AuditScratch`).
/// 2. **Groups.** The work table is read back sorted by entity (`entity.uscc`), and each
///    entity's records are checked together (`GroupChecker`): memory is one entity's records.
///
/// Findings and gaps are streamed to the output files as they are found; only counts and a
/// sample per rule stay in memory. The outputs are written under a temporary name and moved
/// into place at the end, so a failed audit leaves the previous one's files as they were.
public struct ProvinceAuditor: Sendable {
    /// Where the mirrors, the registry and the central register are read: HQ's storage, or a
    /// hot standby of its database.
    public let storage: any HQStorage
    /// Where audits are kept (the previous month's, and this one): always HQ's primary storage.
    public let audits: any AuditStore

    public init(storage: any HQStorage, audits: (any AuditStore)? = nil) {
        self.storage = storage
        self.audits = audits ?? storage.audits
    }

    /// What an audit wrote and scored.
    public struct Outcome: Sendable {
        public var document: AuditDocument
        public var summary: AuditSummary
        public var directory: URL
    }

    public func run(_ plan: AuditPlan, output directory: URL, now: Date = Date()) async throws -> Outcome {
        try Self.requireEntityGroupings(plan.rules)
        guard let enrolment = try await storage.registry.enrolment(province: plan.province) else {
            throw AuditError(.notEnrolled, "province \(plan.province) is not enrolled at HQ", hint: "enrol it with `creditsync hq enroll`, or check the code")
        }
        let mirror = try await storage.mirror(province: plan.province)
        let read = try await Self.mirrorRead(mirror, origin: enrolment.origin, size: plan.mirrorSize)
        let registerHeld = try await storage.register.size(province: plan.province)
        let registerSize = plan.registerSize ?? registerHeld
        guard registerSize <= registerHeld else {
            throw AuditError(.noSuchSize, "the central register holds \(registerHeld) changes of \(plan.province), not \(registerSize)",
                             hint: "rerun with the register size an audit named, on the HQ storage it ran on")
        }

        let staging = try Self.staging(in: directory)
        do {
            var run = try AuditRun(plan: plan, staging: staging)
            defer {
                run.scratch.remove()
                run.unpaired.remove()
            }
            if let rule = plan.rules.pushDown, let feed = try await storage.existingFeed(province: plan.province) {
                run.pushedDown = try await PushedDownItems.read(feed, categories: rule.categories, through: plan.period.lastDay)
            }
            try await run.merge(mirror: mirror, mirrorSize: read.size, register: storage.register, registerSize: registerSize)
            try run.pairByBusinessKey()
            try await run.checkPushDownMissing()
            try await run.checkGroups()
            let before = try await previous(plan)
            let inspections = try await AuditDocument.inspections(audits, province: plan.province, period: plan.period)
            let document = try run.finish(read: read, registerSize: registerSize, previous: before, inspections: inspections, now: now)
            let summary = AuditSummary(document)
            try Self.publish(staging, to: directory)
            try await audits.save(StoredAudit(
                province: plan.province, month: plan.period.description, createdAt: now, mirrorSize: read.size, mirrorRoot: read.root,
                registerSize: registerSize, rulesVersion: plan.rules.version, rulesSHA256: plan.rules.sha256, summary: try summary.json()))
            return Outcome(document: document, summary: summary, directory: directory)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// The latest audit of the month before, for the trend.
    func previous(_ plan: AuditPlan) async throws -> AuditSummary? {
        let (year, month) = plan.period.month == 1 ? (plan.period.year - 1, 12) : (plan.period.year, plan.period.month - 1)
        let before = try AuditPeriod(year: year, month: month)
        return try await audits.latest(province: plan.province, month: before.description).flatMap { try AuditSummary(stored: $0) }
    }

    /// Audits group records by entity, so every grouping must key on `entity.uscc`.
    static func requireEntityGroupings(_ rules: QualityRules) throws {
        for grouping in rules.groupings where !grouping.key.contains("entity.uscc") {
            throw AuditError(.rules, "grouping \"\(grouping.name)\" of rules \(rules.version) does not key on entity.uscc",
                             hint: "add \"entity.uscc\" to its key: audits check groups one entity at a time")
        }
    }

    static func mirrorRead(_ mirror: any MirrorStore, origin: String, size: UInt64?) async throws -> AuditDocument.MirrorRead {
        let status = try await mirror.status()
        let size = size ?? status.size
        guard size <= status.size else {
            throw AuditError(.noSuchSize, "the mirror of \(mirror.province) holds \(status.size) verified entries, not \(size)",
                             hint: "rerun with a checkpoint size the mirror holds (see `creditsync hq status`)")
        }
        if size == 0 { return .init(origin: origin, size: 0, root: try await mirror.root(size: 0).base64, checkpoint: nil) }
        guard let checkpoint = try await mirror.checkpoint(size: size) else {
            throw AuditError(.noSuchSize, "the mirror of \(mirror.province) holds no checkpoint of size \(size)",
                             hint: "audit at a checkpoint the province signed (see `creditsync hq status`)")
        }
        return .init(origin: origin, size: size, root: checkpoint.root.base64, checkpoint: checkpoint.note)
    }

    static func staging(in directory: URL) throws -> URL {
        let staging = directory.appendingPathComponent(".audit-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw AuditError(.output, "cannot create \(directory.path): \(error.localizedDescription)", hint: "choose a writable --out directory")
        }
        return staging
    }

    /// Moves each finished file over its old version (rename: atomic per file); a `by-source`
    /// folder replaces the old one, and an old one goes when this audit wrote none.
    static func publish(_ staging: URL, to directory: URL) throws {
        let split = directory.appendingPathComponent(AuditFiles.bySource, isDirectory: true)
        try? FileManager.default.removeItem(at: split)
        let splitStaged = staging.appendingPathComponent(AuditFiles.bySource, isDirectory: true)
        if FileManager.default.fileExists(atPath: splitStaged.path), rename(splitStaged.path, split.path) != 0 {
            throw AuditError(.output, "cannot move \(AuditFiles.bySource) into \(directory.path) (errno \(errno))", hint: "check the output directory's permissions")
        }
        for name in AuditFiles.all {
            let from = staging.appendingPathComponent(name)
            let to = directory.appendingPathComponent(name)
            guard rename(from.path, to.path) == 0 else {
                throw AuditError(.output, "cannot move \(name) into \(directory.path) (errno \(errno))", hint: "check the output directory's permissions")
            }
        }
        try? FileManager.default.removeItem(at: staging)
    }
}

/// The files an audit writes.
public enum AuditFiles {
    public static let document = "audit.json"
    public static let findings = "findings.csv"
    public static let gaps = "gaps.csv"
    public static let report = "report.html"
    /// `--by-source`: one problem list per source unit.
    public static let bySource = "by-source"

    /// The file of `by-source/` that holds a source unit's findings.
    public static func sourceFile(code: String?, name: String?) -> String { SourceSplitCSV.fileName(code: code, name: name) }
    static let all = [document, findings, gaps, report]
}
