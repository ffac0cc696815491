import Foundation
import HQStorage
import LedgerCore
import Mirroring
import SyncProtocol

/// HQ's central intake log as the push-down writes it (DESIGN §7, issue 26 item 3): every
/// routing decision is logged here, signed, before any feed entry, placement or held item acts on
/// it. A decision the log holds already under its change id (a run repeated after a crash)
/// stands: the caller acts on the decision logged then, not on the one it just made.
struct CentralIntake {
    /// A decision as the log holds it, at `index`.
    struct Logged {
        var index: UInt64
        var entry: IntakeEntry
    }

    let log: any FeedStore
    let signer: any NoteSigner
    /// Entries per signed checkpoint, and their bytes.
    var chunkEntries = Int(FeedAPI.maximumDeliveryEntries)
    var chunkBytes = 8 << 20

    init(data: HQData) async throws {
        self.log = try await data.intake()
        self.signer = try data.keys.intakeSigner()
    }

    /// The decision logged at `index`.
    func entry(at index: UInt64) async throws -> IntakeEntry {
        guard let bytes = try await log.entries(from: index, to: index + 1).first else {
            throw HQError(.intake, "the intake log has no entry \(index)", hint: "run `creditsync hq verify`; restore from backup if it fails")
        }
        do {
            return try IntakeEntry(entry: bytes)
        } catch {
            throw HQError(.intake, "intake entry \(index) is not an intake decision: \(error.message)", hint: "run `creditsync hq verify`; restore from backup if it fails")
        }
    }

    /// Logs `entries` (one change id once) and returns each as the log holds it, in order.
    func log(_ entries: [IntakeEntry], now: Date) async throws -> [Logged] {
        guard !entries.isEmpty else { return [] }
        let existing = try await log.indexes(changeIDs: entries.map(\.changeID))
        var fresh: [PreparedEntry] = []
        var bytes = 0
        var seen = Set<String>()
        for entry in entries where existing[entry.changeID] == nil && seen.insert(entry.changeID).inserted {
            let record = try entry.changeRecord()
            if !fresh.isEmpty, fresh.count >= chunkEntries || bytes + record.canonicalBytes.count > chunkBytes {
                _ = try await log.append(fresh, signer: signer, now: now)
                (fresh, bytes) = ([], 0)
            }
            fresh.append(PreparedEntry(record, suite: log.suite))
            bytes += record.canonicalBytes.count
        }
        if !fresh.isEmpty { _ = try await log.append(fresh, signer: signer, now: now) }
        let indexes = existing.merging(try await log.indexes(changeIDs: Array(seen))) { old, _ in old }
        var logged: [Logged] = []
        logged.reserveCapacity(entries.count)
        for decision in entries {
            guard let index = indexes[decision.changeID] else {
                throw HQError(.intake, "the intake log does not hold \(decision.changeID) after appending it", hint: "run `creditsync hq verify`; restore from backup if it fails")
            }
            if existing[decision.changeID] == nil {
                logged.append(Logged(index: index, entry: decision))
            } else {
                logged.append(Logged(index: index, entry: try await entry(at: index)))
            }
        }
        return logged
    }
}

/// What logged decisions cause, gathered and then stored in order (DESIGN §7): the feed entries
/// first (`FeedChunks`), then the placements and held items, so an item is placed only once its
/// feed holds it.
struct IntakeEffects {
    var chunks: FeedChunks
    let now: @Sendable () -> Date
    private(set) var placements: [RiskPlacement] = []
    private(set) var held: [HeldRiskItem] = []

    init(chunks: FeedChunks, now: @escaping @Sendable () -> Date) {
        self.chunks = chunks
        self.now = now
    }

    /// Effects appended to the enrolled provinces' feeds in chunks of `chunkEntries` and `chunkBytes`.
    init(data: HQData, enrolments: [Enrolment], chunkEntries: Int = Int(FeedAPI.maximumDeliveryEntries), chunkBytes: Int = 8 << 20,
         now: @escaping @Sendable () -> Date) {
        self.init(chunks: FeedChunks(data: data, enrolments: enrolments, chunkEntries: chunkEntries, chunkBytes: chunkBytes, now: now), now: now)
    }

    /// The feed record an item becomes when routed to `province` by intake entry `intake`.
    static func feedRecord(_ item: JSONValue, to province: String, intake: UInt64, changeID: String) throws(LedgerCoreError) -> ChangeRecord {
        try ChangeRecord(value: CentralItem.routed(item, to: province, intake: intake, changeID: changeID), province: province)
    }

    /// Checks that the item can be a record of `province`'s feed before a decision routing it
    /// there is logged (the largest index the log will reach stands in for the real ones).
    static func check(_ item: JSONValue, to province: String) throws(LedgerCoreError) {
        let largest: UInt64 = 9_007_199_254_740_991
        _ = try feedRecord(item, to: province, intake: largest, changeID: "\(item["change_id"]?.stringValue ?? "")/after/\(largest)")
    }

    /// Acts on one logged decision. `movedTo` is where a withdrawn item goes next, for the
    /// withdrawal entry's `to`; `settle` false leaves the placement or hold to a later decision
    /// about the same item (a replay acts on each item's latest).
    mutating func apply(_ logged: CentralIntake.Logged, movedTo: String? = nil, settle: Bool = true) async throws {
        let entry = logged.entry
        switch entry.decision {
        case .routed(let province, _):
            try await chunks.add(try Self.feedRecord(entry.record, to: province, intake: logged.index, changeID: entry.feedChangeID), province: province)
            if settle {
                placements.append(RiskPlacement(changeID: entry.item, uscc: entry.uscc, province: province, intakeIndex: logged.index, placedAt: now()))
            }
        case .held(let code, let reason):
            guard settle else { break }
            held.append(HeldRiskItem(changeID: entry.item, uscc: entry.uscc, code: code, reason: reason, heldAt: now(),
                                     record: CanonicalJSON.encode(entry.record), intakeIndex: logged.index))
        case .withdrawn(let province, let code, let reason, let delivery):
            let day = String(IntakeEntry.rfc3339(entry.loggedAt).prefix(10))
            let withdrawal = CentralItem.withdrawal(of: entry.record, delivery: delivery, from: province, intake: logged.index, code: code, reason: reason,
                                                    to: movedTo, on: day)
            try await chunks.add(try ChangeRecord(value: withdrawal, province: province), province: province)
        }
    }

    /// Appends the queued feed entries, then places and holds: afterwards every decision applied
    /// is stored.
    mutating func commit(_ store: any HeldRiskStore) async throws {
        try await chunks.flushAll()
        try await store.place(placements)
        try await store.hold(held)
        placements.removeAll()
        held.removeAll()
    }
}
