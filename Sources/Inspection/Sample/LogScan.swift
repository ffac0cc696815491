public import LedgerCore

/// One pass over a log's entries [0, n) in order: the sampling population (Protocol/inspection.md)
/// and, for the entities being inspected, their current records. Memory is one small item per
/// registration record and per entity, never the entries.
public struct LogScan {
    /// An entity of the population.
    public struct Member: Sendable, Equatable {
        public var uscc: String
        public var name: String
        public var riskClass: String

        public init(uscc: String, name: String, riskClass: String) {
            self.uscc = uscc
            self.name = name
            self.riskClass = riskClass
        }
    }

    /// A current record of an inspected entity: the latest entry of its key.
    public struct RecordRef: Sendable, Equatable {
        public var uscc: String
        public var category: String
        public var id: String
        public var index: UInt64
    }

    struct Registration {
        var live: Bool
        var uscc: String?
        var name: String
        var index: UInt64
    }

    private var registrations: [String: Registration] = [:]
    private var riskClasses: [String: String] = [:]
    /// The entities whose records are tracked, and each tracked key's latest entry.
    private let tracked: Set<String>
    private var latest: [RecordKey: (index: UInt64, uscc: String?)] = [:]
    public private(set) var size: UInt64 = 0

    struct RecordKey: Hashable {
        var category: String
        var id: String
    }

    /// `tracking`: the USCCs whose current records `records()` returns.
    public init(tracking: Set<String> = []) {
        tracked = tracking
    }

    /// Adds the next entry (index `size`).
    public mutating func add(_ entry: some Collection<UInt8>) throws(InspectionError) {
        let index = size
        guard let value = try? JSONParser.parse(entry), let category = value["category"]?.stringValue, let id = value["id"]?.stringValue else {
            throw InspectionError(.corrupt, "entry \(index) is not a change record",
                                  hint: "verify the log (`creditsync province verify` or `creditsync hq verify`) and restore it from backup")
        }
        size += 1
        let live = value["op"]?.stringValue == ChangeRecord.Operation.upsert.rawValue
        let entity = value["entity"]
        let uscc = entity?["uscc"]?.stringValue
        switch category {
        case "registration":
            registrations[id] = Registration(live: live, uscc: uscc, name: entity?["name"]?.stringValue ?? "", index: index)
        case "risk_class":
            if let uscc {
                let riskClass = value["fields"]?["class"]?.stringValue
                riskClasses[uscc] = live && riskClass.map(RiskWeights.classes.contains) == true ? riskClass! : RiskWeights.defaultClass
            }
        default:
            break
        }
        guard !tracked.isEmpty else { return }
        let key = RecordKey(category: category, id: id)
        if let uscc, tracked.contains(uscc) {
            latest[key] = (index, uscc)
        } else if latest[key] != nil {
            latest[key] = (index, uscc)  // the key moved to another entity: no longer current for ours
        }
    }

    /// The population: each entity (`entity.uscc`) of a registration record whose key's latest
    /// entry is an upsert, named as in that entry (the latest, if several), with its risk class.
    public func members() -> [Member] {
        var byEntity: [String: Registration] = [:]
        for registration in registrations.values where registration.live {
            guard let uscc = registration.uscc else { continue }
            if let other = byEntity[uscc], other.index > registration.index { continue }
            byEntity[uscc] = registration
        }
        return byEntity.map { uscc, registration in
            Member(uscc: uscc, name: registration.name, riskClass: riskClasses[uscc] ?? RiskWeights.defaultClass)
        }
    }

    /// The tracked entities' current records: each key whose latest entry names one of them,
    /// in log order.
    public func records() -> [RecordRef] {
        latest.compactMap { key, latest in
            guard let uscc = latest.uscc, tracked.contains(uscc) else { return nil }
            return RecordRef(uscc: uscc, category: key.category, id: key.id, index: latest.index)
        }.sorted { $0.index < $1.index }
    }
}
