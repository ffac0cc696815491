public import HQStorage
public import Quality

/// Where a central-origin risk record goes (`uscc.md`, DESIGN §7): to the province where HQ's
/// central register has the entity *live* (registered, not moved out, not deregistered), else to
/// the province named by positions 3–4 of its Unified Social Credit Code when the register knows
/// no registration at all. The register's latest change of each registration decides: a status
/// of 迁出 (moved out) means the entity lives elsewhere now, so its items follow it and wait until
/// the register has its new registration; 注销 or 撤销 (deregistered) keeps the entity's last
/// province for items decided on or before that date. Pure: the register's answer comes from the
/// caller. A record that cannot be routed gets a reason, never a guess, and is held until it can
/// be.
public struct RiskRouter: Sendable {
    public enum Route: Sendable, Equatable {
        case province(String, basis: Basis)
        case held(HoldReason, String)
    }

    /// Why an item waits: a stable code for `hq risk held` and metrics.
    public enum HoldReason: String, Sendable, CaseIterable {
        /// The entity code is malformed or fails its checks.
        case invalidCode = "invalid-code"
        /// A central authority's code (division 100000) with no registration in the register.
        case centralAuthority = "central-authority"
        /// The code's division names no province and the register has no registration.
        case unknownDivision = "unknown-division"
        /// The register has the entity live in several provinces.
        case severalProvinces = "several-provinces"
        /// The entity's province has no feed yet.
        case notEnrolled = "not-enrolled"
        /// The entity moved out of its province and the register has no live registration yet.
        case movedOut = "moved-out"
        /// The entity was deregistered before the item was decided.
        case deregistered = "deregistered"
    }

    /// Registration statuses after which the entity no longer lives in that province.
    public static let movedOut: Set<String> = ["迁出"]
    public static let deregistered: Set<String> = ["注销", "撤销"]
    /// Statuses after which a registration is not live.
    static let ended = movedOut.union(deregistered)

    public enum Basis: String, Sendable {
        /// The entity's live registration record in the central register.
        case registration
        /// The division code inside the USCC (no registration known).
        case code
    }

    /// Where a central risk record gives its decision date.
    public static let decisionDatePath = "fields.decided_on"

    /// Every node that may hold a ledger (31 provinces and the XPCC).
    public let nodes: Set<String>
    /// The provinces enrolled at HQ: only they have feeds.
    public let enrolled: Set<String>

    public init(nodes: Set<String>, enrolled: Set<String>) {
        self.nodes = nodes
        self.enrolled = enrolled
    }

    /// `decidedOn`: the item's decision date (`fields.decided_on`), which a deregistration is
    /// compared with; nil when the item has none (then a deregistered entity's last province).
    public func route(uscc: String, decidedOn: CivilDate? = nil, registrations: [RegisteredPlace]) -> Route {
        switch USCC.check(uscc) {
        case .valid: break
        case .malformed(let why): return .held(.invalidCode, "entity.uscc \"\(uscc)\" is malformed (\(why))")
        case .wrongCheckCharacter(let expected): return .held(.invalidCode, "entity.uscc \"\(uscc)\" has a wrong check character (expected \(expected))")
        case .wrongOrganizationCheck(let expected): return .held(.invalidCode, "entity.uscc \"\(uscc)\" has a wrong organization check (expected \(expected))")
        }
        let byCode = String(Array(uscc)[2..<4]) + "0000"
        let current = registrations.filter { !$0.revoked }
        let live = Set(current.filter { !Self.ended.contains($0.status ?? "") }.map(\.province)).sorted()
        let target: String
        let basis: Basis
        if live.contains(byCode) || live.count == 1 {
            target = live.contains(byCode) ? byCode : live[0]
            basis = .registration
        } else if live.count > 1 {
            return .held(.severalProvinces, "the central register has \(uscc) registered in several provinces (\(live.joined(separator: ", ")))")
        } else if !current.isEmpty {
            // Registered, but nowhere live: deregistered, or moved out with the new registration
            // not in the register yet.
            let closed = current.filter { Self.deregistered.contains($0.status ?? "") }
                .max { ($0.since ?? "") < ($1.since ?? "") }
            if let closed {
                let on = closed.since.flatMap { CivilDate(iso: String($0.prefix(10))) }
                if let on, let decidedOn, decidedOn > on {
                    return .held(.deregistered, "\(uscc) was deregistered (\(closed.status ?? "")) in \(closed.province) on \(on.iso), before the item was decided on \(decidedOn.iso)")
                }
                target = closed.province
                basis = .registration
            } else {
                let left = current.map { "\($0.province) (\($0.status ?? "")\($0.since.map { " \($0)" } ?? ""))" }.sorted().joined(separator: ", ")
                return .held(.movedOut, "\(uscc) moved out of \(left); the central register has no live registration for it yet")
            }
        } else if byCode == "100000" {
            return .held(.centralAuthority, "\(uscc) was issued by a central authority (division 100000) and the central register has no registration for it")
        } else if nodes.contains(byCode) {
            target = byCode
            basis = .code
        } else {
            return .held(.unknownDivision, "division \(uscc.prefix(4).suffix(2)) in \(uscc) names no province, and the central register has no registration for it")
        }
        guard enrolled.contains(target) else {
            return .held(.notEnrolled, "\(uscc) belongs to province \(target), which is not enrolled at HQ")
        }
        return .province(target, basis: basis)
    }
}
