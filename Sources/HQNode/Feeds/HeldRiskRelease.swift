public import Foundation
import HQStorage
import SyncProtocol
import LedgerCore
import Mirroring
public import Quality

/// Routes the held central risk items again (DESIGN §7: held, never dropped), after a register
/// import or an enrolment may have made them routable, then moves delivered items whose entity
/// moved (`follow`). A page of items is routed, each release
/// logged in the intake log after the entry that held it, the items appended to their feeds, and
/// only then placed and removed from the queue: a crash in between leaves them held, and the next
/// release finds its decisions logged and the items already in their feeds (each feed takes a
/// change_id once), so every item is delivered exactly once. Items still not routable stay, with
/// the reason as it now stands.
public struct HeldRiskRelease: Sendable {
    public struct Summary: Sendable, Equatable {
        /// Items now in a feed (including ones a feed already held).
        public var released = 0
        public var stillHeld = 0
        public var byProvince: [String: Int] = [:]
        /// Delivered items withdrawn from their feed and delivered to the province their entity
        /// moved to, by that province.
        public var moved = 0
        public var movedTo: [String: Int] = [:]
    }

    public let data: HQData
    public let nodes: Set<String>
    public var pageSize = 1000

    public init(data: HQData, domain: DomainTables) {
        self.data = data
        self.nodes = Set(domain.nodes.keys)
    }

    public func run(now: @escaping @Sendable () -> Date = Date.init) async throws -> Summary {
        try await data.storage.withPushDownLock { try await locked(now: now) }
    }

    /// `run` under the push-down lock: first what a stopped run left, then the queue, then moves.
    private func locked(now: @escaping @Sendable () -> Date) async throws -> Summary {
        let enrolments = try await data.registry.enrolments()
        let router = RiskRouter(nodes: nodes, enrolled: Set(enrolments.map(\.province)))
        let intake = try await CentralIntake(data: data)
        _ = try await intake.resume(data: data, router: router, enrolments: enrolments, now: now)
        var summary = Summary()
        var after: String?
        while true {
            let page = try await data.storage.heldRisk.held(after: after, limit: pageSize)
            guard let last = page.last else { break }
            after = last.changeID
            let registered = try await data.storage.register.registrations(usccs: page.map(\.uscc))
            var effects = IntakeEffects(data: data, enrolments: enrolments, now: now)
            var decisions: [IntakeEntry] = []
            var stillHeld: [HeldRiskItem] = []
            for item in page {
                let value = CentralItem.normalized(try JSONParser.parse(item.record))
                let decidedOn = value.value(at: RiskRouter.decisionDatePath)?.stringValue.flatMap { CivilDate(iso: $0) }
                switch router.route(uscc: item.uscc, decidedOn: decidedOn, registrations: registered[item.uscc] ?? []) {
                case .held(let code, let reason):
                    var updated = item
                    (updated.code, updated.reason) = (code.rawValue, reason)
                    if updated != item { stillHeld.append(updated) }
                    summary.stillHeld += 1
                case .province(let province, let basis):
                    do {
                        try IntakeEffects.check(value, to: province)
                    } catch {
                        // Routable but not a record its feed can take (e.g. too large once routed):
                        // it stays held with the reason, and the rest of the queue moves on.
                        var updated = item
                        (updated.code, updated.reason) = ("invalid-record", "routed to \(province), it is not a feed record: \(error.message)")
                        if updated != item { stillHeld.append(updated) }
                        summary.stillHeld += 1
                        continue
                    }
                    decisions.append(IntakeEntry(item: item.changeID, uscc: item.uscc, decision: .routed(province: province, basis: basis.rawValue),
                                                 after: item.intakeIndex, record: value, loggedAt: now()))
                }
            }
            for logged in try await intake.log(decisions, now: now()) {
                if case .routed(let province, _) = logged.entry.decision {
                    summary.released += 1
                    summary.byProvince[province, default: 0] += 1
                }
                try await effects.apply(logged)
            }
            try await effects.commit(data.storage.heldRisk)
            try await data.storage.heldRisk.hold(stillHeld)
        }
        try await follow(router: router, enrolments: enrolments, intake: intake, summary: &summary, now: now)
        try await intake.settled(data)
        return summary
    }
}
