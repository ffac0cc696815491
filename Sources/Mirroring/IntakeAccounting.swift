import LedgerCore

/// The check anyone holding HQ's intake log and the provinces' feeds can run (DESIGN §7, issue
/// 26): every central item is accounted for — delivered unaltered to exactly one live feed, the
/// one its latest routing decision names; or held, in no live feed; and every withdrawal the log
/// decided is in the feed it withdraws from. Pure and streaming: the caller feeds the intake log's
/// entries, then each feed's, in index order, and reads the findings. It keeps a few dozen bytes
/// per item, never an entry.
public struct IntakeAccounting: Sendable {
    public enum Code: String, Sendable, CaseIterable {
        /// An intake entry is not one, or breaks its item's chain of decisions.
        case malformed = "intake.malformed"
        /// A feed entry names no intake entry routing that item to that feed.
        case unlogged = "intake.unlogged"
        /// A feed entry's item differs from the item the intake log holds.
        case altered = "intake.altered"
        /// The item's latest decision routes it to a feed that does not hold it.
        case undelivered = "intake.undelivered"
        /// The item is live in a feed its latest decision does not name.
        case duplicated = "intake.duplicated"
        /// A withdrawal the intake log decided is not in that feed.
        case notWithdrawn = "intake.not-withdrawn"
        /// The item is held in the log but not in HQ's held queue.
        case notHeld = "intake.not-held"
    }

    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var code: Code
        /// The item's change id (empty when an entry cannot be read).
        public var item: String
        public var message: String
        public var description: String { "\(code.rawValue) \(item): \(message)" }
    }

    public struct Summary: Sendable, Equatable {
        public var items = 0
        public var routed = 0
        public var held = 0
        /// Items withdrawn from a feed at least once (after a move).
        public var moved = 0
        public var intakeEntries: UInt64 = 0
        public var feedEntries: UInt64 = 0
    }

    struct Step: Sendable {
        var index: UInt64
        var kind: Kind
        var province: String
    }

    enum Kind: Sendable { case routed, held, withdrawn }

    struct Item: Sendable {
        var steps: [Step]
        var hash: Hash
        var delivered: Set<String> = []
        var withdrawnFrom: Set<String> = []
    }

    private var items: [String: Item] = [:]
    private var findings: [Finding] = []
    private(set) var summary = Summary()
    private let hashing = SHA256Algorithm()
    /// Findings kept in full; the rest are counted.
    public var limit = 1000
    public private(set) var omitted = 0

    public init() {}

    private mutating func report(_ code: Code, _ item: String, _ message: String) {
        if findings.count < limit { findings.append(Finding(code: code, item: item, message: message)) } else { omitted += 1 }
    }

    private func itemHash(_ value: JSONValue) -> Hash {
        hashing.hash(CanonicalJSON.encode(CentralItem.normalized(value)))
    }

    /// The intake log's entry `index`, in order.
    public mutating func intake(index: UInt64, entry bytes: [UInt8]) {
        summary.intakeEntries += 1
        let entry: IntakeEntry
        do {
            entry = try IntakeEntry(entry: bytes)
        } catch {
            report(.malformed, "", "intake entry \(index) is not an intake decision: \(error.message)")
            return
        }
        let (kind, province): (Kind, String) = switch entry.decision {
        case .routed(let province, _): (.routed, province)
        case .held: (.held, "")
        case .withdrawn(let province, _, _): (.withdrawn, province)
        }
        let step = Step(index: index, kind: kind, province: province)
        let hash = itemHash(entry.record)
        guard var item = items[entry.item] else {
            if let after = entry.after {
                report(.malformed, entry.item, "intake entry \(index) follows entry \(after), but it is the item's first")
            }
            items[entry.item] = Item(steps: [step], hash: hash)
            return
        }
        let previous = item.steps[item.steps.count - 1]
        if entry.after != previous.index {
            report(.malformed, entry.item, "intake entry \(index) follows \(entry.after.map { "entry \($0)" } ?? "nothing"), not the item's latest decision (entry \(previous.index))")
        }
        if kind == .withdrawn, !(previous.kind == .routed && previous.province == province) {
            report(.malformed, entry.item, "intake entry \(index) withdraws the item from \(province), where its latest decision had not routed it")
        }
        if hash != item.hash {
            report(.altered, entry.item, "intake entry \(index) holds another version of the item than its first entry")
        }
        item.steps.append(step)
        items[entry.item] = item
    }

    /// Entry `index` of `province`'s feed, in order, after the whole intake log.
    public mutating func feed(province: String, index: UInt64, entry bytes: [UInt8]) {
        summary.feedEntries += 1
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            report(.unlogged, "", "entry \(index) of the feed of \(province) is not JSON")
            return
        }
        let withdrawal = value["category"]?.stringValue == CentralItem.withdrawalCategory
        let key = (withdrawal ? value.value(at: "fields.change_id") : value["change_id"])?.stringValue ?? ""
        guard let named = CentralItem.intakeIndex(of: bytes) else {
            report(.unlogged, key, "entry \(index) of the feed of \(province) names no intake entry")
            return
        }
        guard var item = items[key], let step = item.steps.first(where: { $0.index == named }) else {
            report(.unlogged, key, "entry \(index) of the feed of \(province) names intake entry \(named), which is not a decision about this item")
            return
        }
        if withdrawal {
            guard step.kind == .withdrawn, step.province == province else {
                report(.unlogged, key, "entry \(index) of the feed of \(province) withdraws the item as intake entry \(named) decided, which is not a withdrawal from \(province)")
                return
            }
            item.withdrawnFrom.insert(province)
        } else {
            guard step.kind == .routed, step.province == province else {
                report(.unlogged, key, "entry \(index) of the feed of \(province) names intake entry \(named), which does not route the item to \(province)")
                return
            }
            if itemHash(value) != item.hash {
                report(.altered, key, "entry \(index) of the feed of \(province) is not the item the intake log holds")
            }
            item.delivered.insert(province)
        }
        items[key] = item
    }

    /// The findings, once every entry was given. `held`, HQ's held queue, is checked where the
    /// caller has it (HQ does; an outside auditor has the logs only).
    ///
    /// The logs are read one after the other, not in one snapshot: read the feeds' sizes first and
    /// the intake log after (every feed entry then has its decision), while no import or release
    /// runs; a decision logged while the feeds were read may show as undelivered until it lands.
    public func finish(held: Set<String>? = nil) -> (summary: Summary, findings: [Finding], omitted: Int) {
        var result = self
        var summary = result.summary
        summary.items = items.count
        for (key, item) in items.sorted(by: { $0.key < $1.key }) {
            let latest = item.steps[item.steps.count - 1]
            // A withdrawal is delivered or it is not; a withdrawal from a feed that never held
            // the item needs none.
            var live = item.delivered.subtracting(item.withdrawnFrom)
            for step in item.steps where step.kind == .withdrawn {
                if item.delivered.contains(step.province), !item.withdrawnFrom.contains(step.province) {
                    result.report(.notWithdrawn, key, "intake entry \(step.index) withdraws the item from \(step.province), whose feed has no withdrawal of it")
                    live.remove(step.province)
                }
            }
            switch latest.kind {
            case .routed:
                summary.routed += 1
                if !live.contains(latest.province) {
                    result.report(.undelivered, key, "intake entry \(latest.index) routes the item to \(latest.province), whose feed \(item.delivered.contains(latest.province) ? "withdrew it" : "does not hold it")")
                }
                live.remove(latest.province)
            case .held:
                summary.held += 1
                if let held, !held.contains(key) {
                    result.report(.notHeld, key, "intake entry \(latest.index) holds the item, but HQ's held queue does not have it")
                }
            case .withdrawn:
                result.report(.undelivered, key, "intake entry \(latest.index) withdrew the item from \(latest.province) and nothing routed or held it since")
            }
            if !live.isEmpty {
                result.report(.duplicated, key, "the item is live in the feed\(live.count > 1 ? "s" : "") of \(live.sorted().joined(separator: ", ")), which its latest decision (intake entry \(latest.index), \(latest.kind)) does not name")
            }
        }
        summary.moved = items.values.filter { $0.steps.contains { $0.kind == .withdrawn } }.count
        return (summary, result.findings, result.omitted)
    }
}
