import Foundation
import HQStorage
import LedgerCore
import Mirroring
import Quality
import SyncProtocol

extension CentralIntake {
    /// Finishes what a stopped push-down run logged and did not act on (DESIGN §7: the intake log
    /// is written first, so it is the record to finish from). Every decision past the stored
    /// watermark (`HeldRiskStore.appliedIntake`) is acted on again, in order: its feed entry
    /// (each feed takes a change id once, so what landed before is not added twice) and, for each
    /// item's latest decision, its placement or hold. A withdrawal that nothing followed (the run
    /// stopped between the two decisions of a move) is followed now: routed where the register
    /// has the entity today, or held. Then the watermark moves to the log's size. Runs under the
    /// push-down lock, first in every run. Returns the decisions acted on again.
    func resume(data: HQData, router: RiskRouter, enrolments: [Enrolment], now: @escaping @Sendable () -> Date) async throws -> Int {
        let store = data.storage.heldRisk
        let size = try await log.latestCheckpoint().size
        var start = try await store.appliedIntake()
        guard start < size else { return 0 }
        var dangling: [String: Logged] = [:]
        // Withdrawals wait for the decision that follows them, which names the province their
        // feed entry's `to` gives; they are applied at the end.
        var withdrawals: [UInt64: (logged: Logged, to: String?)] = [:]
        var replayed = 0
        while start < size {
            let end = min(size, start + UInt64(chunkEntries))
            var page: [Logged] = []
            for index in start..<end { page.append(Logged(index: index, entry: try await entry(at: index))) }
            let latest = Dictionary(page.map { ($0.entry.item, $0.index) }, uniquingKeysWith: max)
            var effects = IntakeEffects(data: data, enrolments: enrolments, chunkEntries: chunkEntries, chunkBytes: chunkBytes, now: now)
            for logged in page {
                if let after = logged.entry.after, withdrawals[after] != nil, case .routed(let province, _) = logged.entry.decision {
                    withdrawals[after]?.to = province
                }
                if case .withdrawn = logged.entry.decision {
                    withdrawals[logged.index] = (logged, nil)
                    dangling[logged.entry.item] = logged
                    continue
                }
                dangling[logged.entry.item] = nil
                try await effects.apply(logged, settle: latest[logged.entry.item] == logged.index)
            }
            try await effects.commit(store)
            replayed += page.count
            start = end
        }
        if !dangling.isEmpty {
            let unfollowed = dangling.values.sorted { $0.index < $1.index }
            let registered = try await data.storage.register.registrations(usccs: unfollowed.map(\.entry.uscc))
            var decisions: [IntakeEntry] = []
            for withdrawal in unfollowed {
                let entry = withdrawal.entry
                let decidedOn = entry.record.value(at: RiskRouter.decisionDatePath)?.stringValue.flatMap { CivilDate(iso: $0) }
                var decision: IntakeEntry.Decision
                switch router.route(uscc: entry.uscc, decidedOn: decidedOn, registrations: registered[entry.uscc] ?? []) {
                case .province(let province, let basis):
                    decision = .routed(province: province, basis: basis.rawValue)
                    if (try? IntakeEffects.check(entry.record, to: province)) == nil {
                        decision = .held(code: "invalid-record", reason: "routed to \(province), it is not a feed record")
                    }
                case .held(let code, let reason):
                    decision = .held(code: code.rawValue, reason: reason)
                }
                decisions.append(IntakeEntry(item: entry.item, uscc: entry.uscc, decision: decision, after: withdrawal.index, record: entry.record, loggedAt: now()))
            }
            var effects = IntakeEffects(data: data, enrolments: enrolments, chunkEntries: chunkEntries, chunkBytes: chunkBytes, now: now)
            for logged in try await log(decisions, now: now()) {
                if let after = logged.entry.after, case .routed(let province, _) = logged.entry.decision { withdrawals[after]?.to = province }
                try await effects.apply(logged)
            }
            try await effects.commit(store)
        }
        if !withdrawals.isEmpty {
            var effects = IntakeEffects(data: data, enrolments: enrolments, chunkEntries: chunkEntries, chunkBytes: chunkBytes, now: now)
            for (_, withdrawal) in withdrawals.sorted(by: { $0.key < $1.key }) { try await effects.apply(withdrawal.logged, movedTo: withdrawal.to) }
            try await effects.commit(store)
        }
        try await store.setAppliedIntake(try await log.latestCheckpoint().size)
        return replayed
    }

    /// Ends a run: everything it logged was acted on.
    func settled(_ data: HQData) async throws {
        try await data.storage.heldRisk.setAppliedIntake(try await log.latestCheckpoint().size)
    }
}
