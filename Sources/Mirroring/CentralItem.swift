public import LedgerCore

/// A central-origin item (`central_risk`, `cross_province`) in the three shapes it takes on its
/// way down (DESIGN §7, Protocol/formats.md §9): as HQ's intake log keeps it, as a province's feed
/// carries it, and the withdrawal that takes it back out of a feed after the entity moved. The
/// feed shape is the intake shape plus exactly the members routing sets, so anyone holding both
/// logs can check that HQ delivered an item unaltered.
public enum CentralItem {
    /// The members HQ sets when it routes an item: nothing else of an item may differ between
    /// the intake log and a feed.
    public static let routingMembers: Set<String> = ["province", "origin", "intake"]

    /// The category of a feed entry that withdraws an item delivered to that feed earlier.
    public static let withdrawalCategory = "central_withdrawal"

    /// The category of HQ's notice of an on-site inspection (Protocol/inspection.md §1.1): HQ's
    /// own statement to the bureau, not a central item. It names no entity and no intake entry,
    /// is stored by the province as delivered and published under no entity.
    public static let inspectionNoticeCategory = "inspection_notice"

    /// The item as the intake log keeps it: without the routing members, with `v` 1 and `op`
    /// upsert where the department left them out.
    public static func normalized(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        members.removeAll { routingMembers.contains($0.key) }
        if !members.contains(where: { $0.key == "v" }) { members.append(.init("v", .number(1))) }
        if !members.contains(where: { $0.key == "op" }) { members.append(.init("op", .string("upsert"))) }
        return .object(members)
    }

    /// The item as `province`'s feed carries it, naming the intake entry that routed it there,
    /// under the delivery's change id (`IntakeEntry.feedChangeID`; the item's own by default).
    public static func routed(_ value: JSONValue, to province: String, intake: UInt64, changeID: String? = nil) -> JSONValue {
        guard case .object(var members) = normalized(value) else { return value }
        if let changeID {
            members.removeAll { $0.key == "change_id" }
            members.append(.init("change_id", .string(changeID)))
        }
        members.append(.init("province", .string(province)))
        members.append(.init("origin", .string("central")))
        members.append(.init("intake", .number(Double(intake))))
        return .object(members)
    }

    /// The feed entry that takes item `value` back out of `province`'s feed, where it was
    /// delivered under change id `delivery`, as intake entry `intake` decided (`code` says why,
    /// `to` where the entity lives now). Its change id is unique per withdrawal decision.
    public static func withdrawal(of value: JSONValue, delivery: String, from province: String, intake: UInt64, code: String, reason: String, to: String?,
                                  on date: String) -> JSONValue {
        let item = value["change_id"]?.stringValue ?? ""
        var fields: [JSONValue.Member] = [.init("change_id", .string(delivery)), .init("category", value["category"] ?? .string("")),
                                          .init("id", value["id"] ?? .string("")), .init("code", .string(code)), .init("reason", .string(reason))]
        if let to { fields.append(.init("to", .string(to))) }
        return .object([
            .init("v", .number(1)),
            .init("change_id", .string("withdraw/\(item)/\(intake)")),
            .init("province", .string(province)),
            .init("category", .string(withdrawalCategory)),
            .init("id", .string(item)),
            .init("op", .string("upsert")),
            .init("origin", .string("central")),
            .init("entity", value["entity"] ?? .object([])),
            .init("occurred_at", .string(date)),
            .init("fields", .object(fields)),
            .init("intake", .number(Double(intake))),
        ])
    }

    /// What a province publishes under the entity when it applies a feed entry (DESIGN §7, 记于
    /// 企业名下): an item as delivered, without `intake`, recorded and published at `stamp`
    /// (RFC 3339); a withdrawal as the revocation of `item`, the item it withdraws as delivered,
    /// under the withdrawal's change id and date, so the province's data no longer shows it. Nil
    /// for anything else, and for a withdrawal of an item the province never received.
    public static func publication(of value: JSONValue, withdrawing item: JSONValue? = nil, stamp: String) -> JSONValue? {
        switch value["category"]?.stringValue {
        case "central_risk", "cross_province":
            guard case .object(var members) = value else { return nil }
            members.removeAll { ["intake", "recorded_at", "published_at"].contains($0.key) }
            members.append(.init("recorded_at", .string(stamp)))
            members.append(.init("published_at", .string(stamp)))
            return .object(members)
        case withdrawalCategory:
            guard let item, case .object(var members)? = publication(of: item, stamp: stamp) else { return nil }
            members.removeAll { ["change_id", "op", "occurred_at"].contains($0.key) }
            members.append(.init("change_id", value["change_id"] ?? .null))
            members.append(.init("op", .string("revoke")))
            if let date = value["occurred_at"] { members.append(.init("occurred_at", date)) }
            return .object(members)
        default:
            return nil
        }
    }

    /// The intake index a feed entry names, from its canonical bytes; nil when it names none.
    public static func intakeIndex(of bytes: [UInt8]) -> UInt64? {
        guard let members = CanonicalMembers.scan(bytes),
              let member = members.first(where: { bytes[$0.key].elementsEqual("intake".utf8) }),
              case .number(let number)? = try? JSONParser.parse(Array(bytes[member.value])),
              number >= 0, number == number.rounded(), number < 9_007_199_254_740_992 else { return nil }
        return UInt64(number)
    }
}
