public import Foundation

/// Where each central risk item is (DESIGN §7): held because HQ cannot route it yet (with the
/// reason, never dropped: the record as the central department sent it, why it waits, and since
/// when), or placed in a province's feed. Every register import and every enrolment routes the
/// held queue again, and moves placed items whose entity moved; an item is placed only after its
/// feed holds it, so a crash in between delivers it once (a feed takes each change_id once). The
/// intake log (`IntakeEntry`) is the record of every decision; this is HQ's working index of the
/// latest one.
public protocol HeldRiskStore: Sendable {
    /// Holds `items` in one transaction. An item already held (same `changeID`) keeps its first
    /// `heldAt` and takes the newer reason.
    func hold(_ items: [HeldRiskItem]) async throws
    /// Up to `limit` held items after change id `after`, by change id (bytes).
    func held(after: String?, limit: Int) async throws -> [HeldRiskItem]
    /// Places items their feeds now hold, removing them from the held queue, in one
    /// transaction; an item placed before moves to its new placement.
    func place(_ placements: [RiskPlacement]) async throws
    /// Up to `limit` placed items after change id `after`, by change id (bytes).
    func placements(after: String?, limit: Int) async throws -> [RiskPlacement]
    /// Which of `changeIDs` are held, and which placed, already.
    func known(changeIDs: [String]) async throws -> (held: Set<String>, placed: Set<String>)
    /// The size of the intake log up to which every decision has been acted on (feed entries,
    /// placements, held items): a push-down run that stopped between logging and acting leaves
    /// it behind, and the next run acts on the rest first. 0 before the first run.
    func appliedIntake() async throws -> UInt64
    func setAppliedIntake(_ size: UInt64) async throws
    /// How many are held and since when the oldest.
    func summary() async throws -> HeldRiskSummary
}

public struct HeldRiskItem: Sendable, Equatable {
    public var changeID: String
    public var uscc: String
    /// A stable reason code (`RiskRouter.HoldReason`) and its explanation.
    public var code: String
    public var reason: String
    public var heldAt: Date
    /// The record as imported (its JSON line, parsed and re-encoded canonically).
    public var record: [UInt8]
    /// The intake log's entry that held it.
    public var intakeIndex: UInt64?

    public init(changeID: String, uscc: String, code: String, reason: String, heldAt: Date, record: [UInt8], intakeIndex: UInt64? = nil) {
        self.changeID = changeID
        self.uscc = uscc
        self.code = code
        self.reason = reason
        self.heldAt = heldAt
        self.record = record
        self.intakeIndex = intakeIndex
    }
}

/// A central risk item in a province's feed: where, and the intake entry that routed it there.
public struct RiskPlacement: Sendable, Equatable {
    public var changeID: String
    public var uscc: String
    public var province: String
    public var intakeIndex: UInt64
    public var placedAt: Date

    public init(changeID: String, uscc: String, province: String, intakeIndex: UInt64, placedAt: Date) {
        self.changeID = changeID
        self.uscc = uscc
        self.province = province
        self.intakeIndex = intakeIndex
        self.placedAt = placedAt
    }
}

public struct HeldRiskSummary: Sendable, Equatable, Codable {
    public var count: Int
    public var oldest: Date?

    public init(count: Int, oldest: Date?) {
        self.count = count
        self.oldest = oldest
    }
}
