public import Foundation

/// Central risk items HQ cannot route yet (DESIGN §7: held with the reason, never dropped): the
/// record as the central department sent it, why it waits, and since when. Every register
/// import and every enrolment routes the queue again; a released item leaves it only after its
/// feed holds it, so a crash in between delivers it once (a feed takes each change_id once).
public protocol HeldRiskStore: Sendable {
    /// Holds `items` in one transaction. An item already held (same `changeID`) keeps its first
    /// `heldAt` and takes the newer reason.
    func hold(_ items: [HeldRiskItem]) async throws
    /// Up to `limit` held items after change id `after`, by change id (bytes).
    func held(after: String?, limit: Int) async throws -> [HeldRiskItem]
    /// Removes items their feeds now hold.
    func release(changeIDs: [String]) async throws
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

    public init(changeID: String, uscc: String, code: String, reason: String, heldAt: Date, record: [UInt8]) {
        self.changeID = changeID
        self.uscc = uscc
        self.code = code
        self.reason = reason
        self.heldAt = heldAt
        self.record = record
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
