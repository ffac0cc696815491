public import Foundation
public import LedgerCore

/// One entry of HQ's central intake log (DESIGN §7, Protocol/formats.md §10): a central item and
/// one routing decision about it, logged before any feed entry it causes. Each item's entries form
/// a chain: the first (change id `intake/<item>`) is written when the item is imported; every later
/// one (a release from the held queue, a withdrawal after a move, the re-delivery) names the one it
/// follows (`fields.after`, change id `intake/<item>/after/<index>`). Change ids are deterministic,
/// so an import or release that is run again after a crash finds its entries instead of adding more.
///
/// It is a change record of the central division (`IntakeOrigin.division`), category
/// `central_intake`, record id the item's change id, so the log's state is each item's latest
/// decision; the item itself (`CentralItem.normalized`) rides in the top-level member `item`.
public struct IntakeEntry: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        /// Into `province`'s feed; `basis` is how the province was found (`registration`, `code`).
        case routed(province: String, basis: String)
        /// Into the held queue, with the reason's code and text.
        case held(code: String, reason: String)
        /// Out of `province`'s feed again (a withdrawal entry there), with why; `delivery` is the
        /// change id of the feed entry it withdraws.
        case withdrawn(province: String, code: String, reason: String, delivery: String)

        public var name: String {
            switch self {
            case .routed: "routed"
            case .held: "held"
            case .withdrawn: "withdrawn"
            }
        }
    }

    /// The item's change id.
    public var item: String
    public var uscc: String
    public var decision: Decision
    /// The index of the item's previous entry; nil for its first.
    public var after: UInt64?
    /// The item as imported, normalized (`CentralItem.normalized`).
    public var record: JSONValue
    /// When HQ logged the decision (whole seconds; `fields.logged_at`, and `recorded_at` for people).
    public var loggedAt: Date

    public init(item: String, uscc: String, decision: Decision, after: UInt64?, record: JSONValue, loggedAt: Date) {
        self.item = item
        self.uscc = uscc
        self.decision = decision
        self.after = after
        self.record = record
        self.loggedAt = loggedAt
    }

    public var changeID: String { Self.changeID(item: item, after: after) }

    /// The change id of the feed entry a routed decision makes: the item's own for its first
    /// decision, `<item>/after/<index>` for a later one (a release or a re-delivery after a
    /// move), so a province that had the item before, and withdrew it, takes it again.
    public var feedChangeID: String { after.map { "\(item)/after/\($0)" } ?? item }

    public static func changeID(item: String, after: UInt64?) -> String {
        after.map { "intake/\(item)/after/\($0)" } ?? "intake/\(item)"
    }

    /// The log entry.
    public func changeRecord() throws(LedgerCoreError) -> ChangeRecord {
        var fields: [JSONValue.Member] = [.init("decision", .string(decision.name))]
        switch decision {
        case .routed(let province, let basis):
            fields += [.init("province", .string(province)), .init("basis", .string(basis))]
        case .held(let code, let reason):
            fields += [.init("code", .string(code)), .init("reason", .string(reason))]
        case .withdrawn(let province, let code, let reason, let delivery):
            fields += [.init("province", .string(province)), .init("code", .string(code)), .init("reason", .string(reason)),
                       .init("delivery", .string(delivery))]
        }
        if let after { fields.append(.init("after", .number(Double(after)))) }
        fields.append(.init("logged_at", .number(loggedAt.timeIntervalSince1970.rounded(.down))))
        let stamp = Self.rfc3339(loggedAt)
        return try ChangeRecord(value: .object([
            .init("v", .number(1)),
            .init("change_id", .string(changeID)),
            .init("province", .string(IntakeOrigin.division)),
            .init("category", .string(IntakeOrigin.category)),
            .init("id", .string(item)),
            .init("op", .string("upsert")),
            .init("origin", .string("central")),
            .init("entity", .object([.init("uscc", .string(uscc))])),
            .init("occurred_at", .string(String(stamp.prefix(10)))),
            .init("recorded_at", .string(stamp)),
            .init("fields", .object(fields)),
            .init("item", record),
        ]), province: IntakeOrigin.division)
    }

    /// An entry read back from the log; throws `malformed` naming what is wrong.
    public init(entry bytes: [UInt8]) throws(IntakeEntryError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw IntakeEntryError("not JSON: \(error)")
        }
        func text(_ path: String) throws(IntakeEntryError) -> String {
            guard let text = value.value(at: path)?.stringValue, !text.isEmpty else { throw IntakeEntryError("\(path) is missing") }
            return text
        }
        guard try text("category") == IntakeOrigin.category, try text("province") == IntakeOrigin.division else {
            throw IntakeEntryError("not a \(IntakeOrigin.category) record of \(IntakeOrigin.division)")
        }
        let item = try text("id")
        guard let record = value["item"], case .object = record, record["change_id"]?.stringValue == item else {
            throw IntakeEntryError("the member item is missing or is not the record of \(item)")
        }
        let decision: Decision
        switch try text("fields.decision") {
        case "routed": decision = .routed(province: try text("fields.province"), basis: try text("fields.basis"))
        case "held": decision = .held(code: try text("fields.code"), reason: try text("fields.reason"))
        case "withdrawn": decision = .withdrawn(province: try text("fields.province"), code: try text("fields.code"), reason: try text("fields.reason"),
                                                delivery: try text("fields.delivery"))
        case let other: throw IntakeEntryError("fields.decision \"\(other)\" is not routed, held or withdrawn")
        }
        var after: UInt64?
        if let member = value.value(at: "fields.after") {
            guard case .number(let number) = member, number >= 0, number == number.rounded(), number < 9_007_199_254_740_992 else {
                throw IntakeEntryError("fields.after is not an entry index")
            }
            after = UInt64(number)
        }
        guard try text("change_id") == Self.changeID(item: item, after: after) else {
            throw IntakeEntryError("change_id is not \(Self.changeID(item: item, after: after))")
        }
        guard case .number(let seconds)? = value.value(at: "fields.logged_at"), seconds >= 0, seconds < 1e11 else {
            throw IntakeEntryError("fields.logged_at is not a time in Unix seconds")
        }
        self.init(item: item, uscc: try text("entity.uscc"), decision: decision, after: after, record: record, loggedAt: Date(timeIntervalSince1970: seconds))
    }

    public static func rfc3339(_ date: Date) -> String {
        UTCTimestamp.rfc3339(seconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}

/// Why bytes are not an intake entry.
public struct IntakeEntryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
