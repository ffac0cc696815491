public import Foundation
import HQStorage
import SyncProtocol
import LedgerCore
public import Quality

/// Routes the held central risk items again (DESIGN §7: held, never dropped), after a register
/// import or an enrolment may have made them routable. A page of items is routed, the routable
/// ones appended to their feeds, and only then removed from the queue: a crash in between leaves
/// them held, and the next release finds them already in their feeds (each feed takes a
/// change_id once), so every item is delivered exactly once. Items still not routable stay,
/// with the reason as it now stands.
public struct HeldRiskRelease: Sendable {
    public struct Summary: Sendable, Equatable {
        /// Items now in a feed (including ones a feed already held).
        public var released = 0
        public var stillHeld = 0
        public var byProvince: [String: Int] = [:]
    }

    public let data: HQData
    public let nodes: Set<String>
    public var pageSize = 1000

    public init(data: HQData, domain: DomainTables) {
        self.data = data
        self.nodes = Set(domain.nodes.keys)
    }

    public func run(now: @escaping @Sendable () -> Date = Date.init) async throws -> Summary {
        let enrolments = try await data.registry.enrolments()
        let router = RiskRouter(nodes: nodes, enrolled: Set(enrolments.map(\.province)))
        var summary = Summary()
        var after: String?
        while true {
            let page = try await data.storage.heldRisk.held(after: after, limit: pageSize)
            guard let last = page.last else { break }
            after = last.changeID
            let registered = try await data.storage.register.registrations(usccs: page.map(\.uscc))
            var chunks = FeedChunks(data: data, enrolments: enrolments, chunkEntries: Int(FeedAPI.maximumDeliveryEntries), chunkBytes: 8 << 20, now: now)
            var released: [String] = []
            var stillHeld: [HeldRiskItem] = []
            for item in page {
                let value = try JSONParser.parse(item.record)
                let decidedOn = value.value(at: RiskRouter.decisionDatePath)?.stringValue.flatMap { CivilDate(iso: $0) }
                switch router.route(uscc: item.uscc, decidedOn: decidedOn, registrations: registered[item.uscc] ?? []) {
                case .held(let code, let reason):
                    var updated = item
                    (updated.code, updated.reason) = (code.rawValue, reason)
                    if updated != item { stillHeld.append(updated) }
                    summary.stillHeld += 1
                case .province(let province, _):
                    let record: ChangeRecord
                    do {
                        record = try ChangeRecord(value: RiskImporter.routed(value, to: province), province: province)
                    } catch {
                        // Routable but not a record its feed can take (e.g. too large once routed):
                        // it stays held with the reason, and the rest of the queue moves on.
                        var updated = item
                        (updated.code, updated.reason) = ("invalid-record", "routed to \(province), it is not a feed record: \(error.message)")
                        if updated != item { stillHeld.append(updated) }
                        summary.stillHeld += 1
                        continue
                    }
                    try await chunks.add(record, province: province)
                    released.append(item.changeID)
                    summary.byProvince[province, default: 0] += 1
                }
            }
            try await chunks.flushAll()
            try await data.storage.heldRisk.release(changeIDs: released)
            try await data.storage.heldRisk.hold(stillHeld)
            summary.released += released.count
        }
        return summary
    }
}
