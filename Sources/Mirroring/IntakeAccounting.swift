import LedgerCore

/// The check anyone holding HQ's intake log and the provinces' feeds can run (DESIGN §7, issue
/// 26): every central item is accounted for — delivered unaltered to exactly one live feed, the
/// one its latest routing decision names; or held, in no live feed; and every withdrawal the log
/// decided is in the feed it withdraws from. Pure and streaming: the caller feeds the intake log's
/// entries, then each feed's, in index order, and reads the findings. It keeps each item's key,
/// hash and decisions (a few hundred bytes), never an entry.
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
        /// Routed: the feed entry's change id; withdrawn: the delivery it withdraws.
        var delivery: String
        /// Feed entries that carry out this decision (a delivery, or a withdrawal).
        var carried = 0
    }

    enum Kind: String, Sendable { case routed, held, withdrawn }

    struct Item: Sendable {
        var steps: [Step]
        var hash: Hash
    }

    private var items: [String: Item] = [:]
    /// Each intake index's item, so a feed entry finds the decision it names.
    private var itemAt: [UInt64: String] = [:]
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

    static func withChangeID(_ value: JSONValue, _ changeID: String) -> JSONValue {
        guard case .object(var members) = value else { return value }
        members.removeAll { $0.key == "change_id" }
        members.append(.init("change_id", .string(changeID)))
        return .object(members)
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
        let step: Step = switch entry.decision {
        case .routed(let province, _): Step(index: index, kind: .routed, province: province, delivery: entry.feedChangeID)
        case .held: Step(index: index, kind: .held, province: "", delivery: "")
        case .withdrawn(let province, _, _, let delivery): Step(index: index, kind: .withdrawn, province: province, delivery: delivery)
        }
        itemAt[index] = entry.item
        let hash = itemHash(entry.record)
        guard var item = items[entry.item] else {
            if let after = entry.after {
                report(.malformed, entry.item, "intake entry \(index) follows entry \(after), but it is the item's first")
            }
            if step.kind == .withdrawn {
                report(.malformed, entry.item, "intake entry \(index) withdraws an item nothing routed")
            }
            items[entry.item] = Item(steps: [step], hash: hash)
            return
        }
        let previous = item.steps[item.steps.count - 1]
        if entry.after != previous.index {
            report(.malformed, entry.item, "intake entry \(index) follows \(entry.after.map { "entry \($0)" } ?? "nothing"), not the item's latest decision (entry \(previous.index))")
        }
        // A routed item is withdrawn before anything else; a held one is released (routed);
        // a withdrawn one is routed again or held.
        let allowed: Bool = switch previous.kind {
        case .routed: step.kind == .withdrawn && step.province == previous.province && step.delivery == previous.delivery
        case .held: step.kind == .routed
        case .withdrawn: step.kind != .withdrawn
        }
        if !allowed {
            report(.malformed, entry.item, "intake entry \(index) (\(step.kind.rawValue)\(step.province.isEmpty ? "" : " \(step.province)")) cannot follow entry \(previous.index) (\(previous.kind.rawValue)\(previous.province.isEmpty ? "" : " \(previous.province)"))")
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
        let changeID = value["change_id"]?.stringValue ?? ""
        // HQ's inspection notices are its own statements to the bureau, not central items.
        if value["category"]?.stringValue == CentralItem.inspectionNoticeCategory, CentralItem.intakeIndex(of: bytes) == nil { return }
        guard let named = CentralItem.intakeIndex(of: bytes) else {
            report(.unlogged, changeID, "entry \(index) of the feed of \(province) names no intake entry")
            return
        }
        guard let key = itemAt[named], var item = items[key], let position = item.steps.firstIndex(where: { $0.index == named }) else {
            report(.unlogged, changeID, "entry \(index) of the feed of \(province) names intake entry \(named), which is not a decision the log holds")
            return
        }
        let step = item.steps[position]
        if value["category"]?.stringValue == CentralItem.withdrawalCategory {
            guard step.kind == .withdrawn, step.province == province, value.value(at: "fields.change_id")?.stringValue == step.delivery else {
                report(.unlogged, key, "entry \(index) of the feed of \(province) withdraws the item as intake entry \(named) decided, which is not a withdrawal of that delivery from \(province)")
                return
            }
        } else {
            guard step.kind == .routed, step.province == province, changeID == step.delivery else {
                report(.unlogged, key, "entry \(index) of the feed of \(province) (\(changeID)) names intake entry \(named), which does not route the item to \(province) under that change id")
                return
            }
            // Unaltered: the intake log's item, once the delivery's change id is its own again.
            if itemHash(Self.withChangeID(value, key)) != item.hash {
                report(.altered, key, "entry \(index) of the feed of \(province) is not the item the intake log holds")
            }
        }
        item.steps[position].carried += 1
        if item.steps[position].carried > 1 {
            report(.duplicated, key, "the feed of \(province) carries intake entry \(named) twice (again at entry \(index))")
        }
        items[key] = item
    }

    /// The findings, once every entry was given. `held`, HQ's held queue, is checked where the
    /// caller has it (HQ does; an outside auditor has the logs only).
    ///
    /// The logs are read one after the other, not in one snapshot: read them while no import or
    /// release runs (HQ holds its push-down lock), the feeds' sizes first and the intake log after,
    /// so every feed entry has its decision.
    public func finish(held: Set<String>? = nil) -> (summary: Summary, findings: [Finding], omitted: Int) {
        var result = self
        var summary = result.summary
        summary.items = items.count
        for (key, item) in items.sorted(by: { $0.key < $1.key }) {
            let steps = item.steps
            let latest = steps[steps.count - 1]
            for (position, step) in steps.enumerated() {
                let next = position + 1 < steps.count ? steps[position + 1] : nil
                switch step.kind {
                case .routed where next == nil:
                    if step.carried == 0 {
                        result.report(.undelivered, key, "intake entry \(step.index) routes the item to \(step.province), whose feed does not hold it")
                    }
                case .routed:
                    // Moved on: a delivery made must have been withdrawn by the decision after it.
                    if step.carried > 0, let next, next.kind == .withdrawn, next.carried == 0 {
                        result.report(.notWithdrawn, key, "intake entry \(next.index) withdraws the item from \(step.province), whose feed has no withdrawal of it: it is live there and where its latest decision (intake entry \(latest.index), \(latest.kind.rawValue)) puts it")
                    }
                case .held where next == nil:
                    if let held, !held.contains(key) {
                        result.report(.notHeld, key, "intake entry \(step.index) holds the item, but HQ's held queue does not have it")
                    }
                case .withdrawn where next == nil:
                    result.report(.undelivered, key, "intake entry \(step.index) withdrew the item from \(step.province) and nothing routed or held it since")
                case .held, .withdrawn:
                    break
                }
            }
            switch latest.kind {
            case .routed: summary.routed += 1
            case .held: summary.held += 1
            case .withdrawn: break
            }
            if steps.contains(where: { $0.kind == .withdrawn }) { summary.moved += 1 }
        }
        return (summary, result.findings, result.omitted)
    }
}
