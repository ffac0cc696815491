public import HQStorage
import Quality

/// Where a central-origin risk record goes (`uscc.md`): to the province where HQ's central
/// register has the entity currently registered, else to the province named by positions 3–4 of
/// its Unified Social Credit Code. Pure: the register's answer comes from the caller. A record
/// that cannot be routed gets a reason, never a guess, and is held until it can be (DESIGN §7).
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
    }

    public enum Basis: String, Sendable {
        /// The entity's live registration record in the central register.
        case registration
        /// The division code inside the USCC (no registration known).
        case code
    }

    /// Every node that may hold a ledger (31 provinces and the XPCC).
    public let nodes: Set<String>
    /// The provinces enrolled at HQ: only they have feeds.
    public let enrolled: Set<String>

    public init(nodes: Set<String>, enrolled: Set<String>) {
        self.nodes = nodes
        self.enrolled = enrolled
    }

    public func route(uscc: String, registrations: [RegisteredPlace]) -> Route {
        switch USCC.check(uscc) {
        case .valid: break
        case .malformed(let why): return .held(.invalidCode, "entity.uscc \"\(uscc)\" is malformed (\(why))")
        case .wrongCheckCharacter(let expected): return .held(.invalidCode, "entity.uscc \"\(uscc)\" has a wrong check character (expected \(expected))")
        case .wrongOrganizationCheck(let expected): return .held(.invalidCode, "entity.uscc \"\(uscc)\" has a wrong organization check (expected \(expected))")
        }
        let byCode = String(Array(uscc)[2..<4]) + "0000"
        let live = Set(registrations.filter { !$0.revoked }.map(\.province)).sorted()
        let target: String
        let basis: Basis
        if live.contains(byCode) || live.count == 1 {
            target = live.contains(byCode) ? byCode : live[0]
            basis = .registration
        } else if live.count > 1 {
            return .held(.severalProvinces, "the central register has \(uscc) registered in several provinces (\(live.joined(separator: ", ")))")
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
