import Foundation
import HQStorage
import LedgerCore
import Mirroring
import Quality
import SyncProtocol

extension HeldRiskRelease {
    /// Delivered items follow their entity (issue 26 item 1; 2018 notice, 企业迁入迁出数据流转):
    /// a placed item whose entity the register now has live in another enrolled province is
    /// withdrawn from its feed and delivered to that province's. Both decisions are logged in the
    /// intake log first, the withdrawal after the entry that routed the item, the re-delivery after
    /// the withdrawal; then the withdrawal entry goes into the old feed, the item into the new one,
    /// and only then is it placed there. A run stopped anywhere in between is finished by the next
    /// one: the placement still names the old feed, and the logged decisions stand.
    ///
    /// Only a live registration elsewhere moves an item. An entity that moved out with no new
    /// registration yet, or whose new province is not enrolled, keeps its delivered items where
    /// they are until it has one; a deregistered entity's stay with its last province.
    func follow(router: RiskRouter, enrolments: [Enrolment], intake: CentralIntake, summary: inout Summary,
                now: @escaping @Sendable () -> Date) async throws {
        var after: String?
        while true {
            let page = try await data.storage.heldRisk.placements(after: after, limit: pageSize)
            guard let last = page.last else { break }
            after = last.changeID
            let registered = try await data.storage.register.registrations(usccs: page.map(\.uscc))
            // Cheap first look without the item; its decision date is read only for candidates.
            let candidates = page.filter { placement in
                guard case .province(let target, _) = router.route(uscc: placement.uscc, registrations: registered[placement.uscc] ?? []) else { return false }
                return target != placement.province
            }
            guard !candidates.isEmpty else { continue }
            var withdrawals: [IntakeEntry] = []
            var targets: [String: (province: String, basis: RiskRouter.Basis)] = [:]
            for placement in candidates {
                let routed = try await intake.entry(at: placement.intakeIndex)
                let decidedOn = routed.record.value(at: RiskRouter.decisionDatePath)?.stringValue.flatMap { CivilDate(iso: $0) }
                guard case .province(let target, let basis) = router.route(uscc: placement.uscc, decidedOn: decidedOn, registrations: registered[placement.uscc] ?? []),
                      target != placement.province, (try? IntakeEffects.check(routed.record, to: target)) != nil else { continue }
                targets[placement.changeID] = (target, basis)
                withdrawals.append(IntakeEntry(item: placement.changeID, uscc: placement.uscc,
                                               decision: .withdrawn(province: placement.province, code: "moved",
                                                                    reason: "\(placement.uscc) is registered in \(target) now, no longer in \(placement.province)",
                                                                    delivery: routed.feedChangeID),
                                               after: placement.intakeIndex, record: routed.record, loggedAt: now()))
            }
            var effects = IntakeEffects(data: data, enrolments: enrolments, now: now)
            var deliveries: [IntakeEntry] = []
            for logged in try await intake.log(withdrawals, now: now()) {
                let target = targets[logged.entry.item]
                try await effects.apply(logged, movedTo: target?.province)
                if case .withdrawn = logged.entry.decision, let target {
                    deliveries.append(IntakeEntry(item: logged.entry.item, uscc: logged.entry.uscc, decision: .routed(province: target.province, basis: target.basis.rawValue),
                                                  after: logged.index, record: logged.entry.record, loggedAt: now()))
                }
            }
            for logged in try await intake.log(deliveries, now: now()) {
                try await effects.apply(logged)
                if case .routed(let province, _) = logged.entry.decision {
                    summary.moved += 1
                    summary.movedTo[province, default: 0] += 1
                }
            }
            try await effects.commit(data.storage.heldRisk)
        }
    }
}
