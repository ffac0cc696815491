public import Foundation
public import LedgerCore

/// The central register at HQ (issue "HQ reconciliation audit"): the central system's view of
/// each province's records, imported as change records and applied in order. Per province it is
/// a sequence of changes (`seq` from 0), each `change_id` once, so a re-import adds nothing;
/// its state at any size is the latest change per `(category, id)`, as for a mirror.
public protocol RegisterStore: Sendable {
    /// Appends the records not imported before (by `change_id`), in order; returns how many were
    /// new. One transaction.
    func importChanges(province: ProvinceCode, _ records: [ChangeRecord], now: Date) async throws -> Int
    /// Changes imported for `province` so far: the register's size, which audits name.
    func size(province: String) async throws -> UInt64
    /// Provinces with imported changes.
    func provinces() async throws -> [String]
    /// The state at `size` in key order (category, then id, by bytes): up to `limit` rows after
    /// the key `after`.
    func state(province: String, size: UInt64, after: StateKey?, limit: Int) async throws -> [StateEntry]
    /// Where the register has each entity of `usccs` registered: each `registration` record
    /// whose latest change names the code, with its province, whether that change is a revoke,
    /// and its status and date (codes without one are absent). Routes central risk information (an entity that
    /// moved keeps its code). Indexed by code; one read for the whole batch.
    func registrations(usccs: [String]) async throws -> [String: [RegisteredPlace]]
}

/// A registration of an entity as the register's latest change of it says: where, whether that
/// change revokes it, and the registration status (`fields.status`, e.g. 存续, 迁出, 注销) with the
/// date it took effect (`occurred_at`), which routing reads to follow moves and deregistrations.
public struct RegisteredPlace: Sendable, Equatable {
    public var province: String
    public var id: String
    public var revoked: Bool
    public var status: String?
    /// `occurred_at` of the latest change, as written.
    public var since: String?

    public init(province: String, id: String, revoked: Bool, status: String? = nil, since: String? = nil) {
        self.province = province
        self.id = id
        self.revoked = revoked
        self.status = status
        self.since = since
    }
}

/// The latest entry of a business record in a log or the register, with its position.
public struct StateEntry: Sendable, Equatable {
    public var key: StateKey
    public var index: UInt64
    public var data: [UInt8]

    public init(key: StateKey, index: UInt64, data: [UInt8]) {
        self.key = key
        self.index = index
        self.data = data
    }
}

/// Audits HQ keeps, for the trend against the previous month and for anyone rerunning one.
public protocol AuditStore: Sendable {
    func save(_ audit: StoredAudit) async throws
    /// The latest audit of `province` for `month` (`YYYY-MM`), if any.
    func latest(province: String, month: String) async throws -> StoredAudit?
    /// Every province's latest audit for `month`.
    func latest(month: String) async throws -> [StoredAudit]

    /// Keeps a signed on-site inspection result with the province's findings from it (DESIGN
    /// §9), decided in the transaction that stores it: true when stored now, false when this
    /// very result was stored before; another result under a recorded inspection id is refused
    /// (`HQStorageError.conflict`). Kept as recorded: never updated or deleted.
    func recordInspection(_ inspection: StoredInspection) async throws -> Bool
    /// Recorded inspections, of one province or of all, oldest first.
    func inspections(province: String?) async throws -> [StoredInspection]
}

/// A signed inspection result as HQ keeps it, with the findings of the inspected province that
/// HQ derived from it under the rules file.
public struct StoredInspection: Sendable, Equatable {
    public var inspectionID: String
    public var province: String
    public var origin: String
    public var treeSize: UInt64
    public var root: String
    public var bundleSHA256: String
    public var comparedOn: String
    public var recordedAt: Date
    public var rulesVersion: String
    public var rulesSHA256: String
    /// The signed result, verbatim.
    public var result: String
    /// How many findings, and the findings as a JSON array.
    public var findingCount: Int
    public var findings: String

    public init(inspectionID: String, province: String, origin: String, treeSize: UInt64, root: String, bundleSHA256: String, comparedOn: String,
                recordedAt: Date, rulesVersion: String, rulesSHA256: String, result: String, findingCount: Int, findings: String) {
        self.inspectionID = inspectionID
        self.province = province
        self.origin = origin
        self.treeSize = treeSize
        self.root = root
        self.bundleSHA256 = bundleSHA256
        self.comparedOn = comparedOn
        self.recordedAt = recordedAt
        self.rulesVersion = rulesVersion
        self.rulesSHA256 = rulesSHA256
        self.result = result
        self.findingCount = findingCount
        self.findings = findings
    }
}

/// One audit's summary as HQ keeps it: what it read and what it scored (the full report is
/// the audit's files).
public struct StoredAudit: Sendable, Equatable {
    public var province: String
    public var month: String
    public var createdAt: Date
    public var mirrorSize: UInt64
    public var mirrorRoot: String
    public var registerSize: UInt64
    public var rulesVersion: String
    public var rulesSHA256: String
    /// The audit summary as JSON (scores, counts per rule and gap kind).
    public var summary: String

    public init(province: String, month: String, createdAt: Date, mirrorSize: UInt64, mirrorRoot: String, registerSize: UInt64,
                rulesVersion: String, rulesSHA256: String, summary: String) {
        self.province = province
        self.month = month
        self.createdAt = createdAt
        self.mirrorSize = mirrorSize
        self.mirrorRoot = mirrorRoot
        self.registerSize = registerSize
        self.rulesVersion = rulesVersion
        self.rulesSHA256 = rulesSHA256
        self.summary = summary
    }
}

/// The one refusal of a second, different result under a recorded inspection id, worded the
/// same on every backend.
public enum InspectionConflict {
    public static func error(_ inspectionID: String) -> HQStorageError {
        HQStorageError(.conflict, "inspection \(inspectionID) is recorded with another result; a recorded result is kept as it is",
                       hint: "record a new inspection under a new inspection id")
    }
}
