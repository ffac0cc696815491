import HQNode
import HQStorage
import Quality
import Synthetic
import Testing

/// Routing by the live registration (issue 26, item 1; DESIGN §7): pure, no storage.
@Suite("Risk routing")
struct RiskRouterTests {
    let router = RiskRouter(nodes: ["440000", "110000", "310000", "320000"], enrolled: ["440000", "110000", "310000"])
    var generator = CentralRiskGenerator(seed: 77)

    func place(_ province: String, _ status: String?, _ since: String? = "2026-03-01", revoked: Bool = false) -> RegisteredPlace {
        RegisteredPlace(province: province, id: "R-\(province)", revoked: revoked, status: status, since: since)
    }

    @Test("a moved entity goes where it lives now, not to the province in its code; until the register knows, it is held")
    mutating func moved() {
        let uscc = generator.uscc(division: "440106")
        // Moved out of Guangdong, registered in Beijing: Beijing, by its registration.
        #expect(router.route(uscc: uscc, registrations: [place("440000", "迁出"), place("110000", "存续")]) == .province("110000", basis: .registration))
        // Moved out, the new registration not imported yet: held, never sent back to Guangdong.
        guard case .held(let reason, let text) = router.route(uscc: uscc, registrations: [place("440000", "迁出")]) else {
            Issue.record("a moved-out entity was routed")
            return
        }
        #expect(reason == .movedOut && text.contains("440000") && text.contains("迁出"))
        // Registered in Guangdong (live, no status given): by its registration.
        #expect(router.route(uscc: uscc, registrations: [place("440000", nil)]) == .province("440000", basis: .registration))
        // A revoked registration is no registration: the code decides.
        #expect(router.route(uscc: uscc, registrations: [place("110000", "存续", revoked: true)]) == .province("440000", basis: .code))
    }

    @Test("a deregistered entity keeps its last province for items decided by then; later items are held")
    mutating func deregistered() {
        let uscc = generator.uscc(division: "310115")
        let closed = [place("310000", "注销", "2026-05-10")]
        #expect(router.route(uscc: uscc, decidedOn: CivilDate(iso: "2026-05-10"), registrations: closed) == .province("310000", basis: .registration))
        #expect(router.route(uscc: uscc, decidedOn: nil, registrations: closed) == .province("310000", basis: .registration))
        guard case .held(let reason, let text) = router.route(uscc: uscc, decidedOn: CivilDate(iso: "2026-05-11"), registrations: closed) else {
            Issue.record("an item decided after the deregistration was routed")
            return
        }
        #expect(reason == .deregistered && text.contains("2026-05-10") && text.contains("2026-05-11"))
        // Deregistered in one province, live in another: the live one.
        #expect(router.route(uscc: uscc, decidedOn: CivilDate(iso: "2026-06-01"), registrations: closed + [place("440000", "在业")])
                == .province("440000", basis: .registration))
    }

    @Test("several live registrations, the province in the code among them, go by the code; otherwise they are held")
    mutating func several() {
        let uscc = generator.uscc(division: "440300")
        #expect(router.route(uscc: uscc, registrations: [place("440000", "存续"), place("110000", "存续")]) == .province("440000", basis: .registration))
        let other = generator.uscc(division: "320500")
        guard case .held(.severalProvinces, _) = router.route(uscc: other, registrations: [place("440000", "存续"), place("110000", "存续")]) else {
            Issue.record("an entity live in two provinces, neither its code's, was routed")
            return
        }
        guard case .held(.notEnrolled, _) = router.route(uscc: other, registrations: []) else {
            Issue.record("an item for a province without a feed was routed")
            return
        }
    }
}
