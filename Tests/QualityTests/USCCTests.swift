import Quality
import Testing

/// The table of `shared/domain/uscc.md`.
@Suite("Unified Social Credit Code")
struct USCCTests {
    @Test("valid codes", arguments: [
        "91350100M000100Y43", "91110000600037341L", "92340603MA2PBMYMX1", "121200004013590816",
        "91620105L015101280", "9144030071526726XG", "N2330106MF0123451K", "Y1110108MC00000120", "51110000MJ000000X0",
    ])
    func valid(code: String) {
        #expect(USCC.check(code) == .valid)
        #expect(USCC.checkCharacter(forPrefix: String(code.prefix(17))) == code.last)
    }

    @Test("wrong and malformed codes")
    func invalid() {
        #expect(USCC.check("91350100M000100Y44") == .wrongCheckCharacter(expected: "3"))
        // Organization code M000100X: its check character is 6, not the 4 written.
        #expect(USCC.check("91350100M000100X43") == .wrongOrganizationCheck(expected: "6"))
        if case .malformed = USCC.check("91350100M000100Y4Z") {} else { Issue.record("Z is not in the set") }
        if case .malformed = USCC.check("9111000O600037341L") {} else { Issue.record("letter in the division code") }
        if case .malformed = USCC.check("91110000600037341") {} else { Issue.record("17 characters") }
        if case .malformed = USCC.check("９１350100M000100Y43") {} else { Issue.record("full-width digits") }
    }

    @Test("the bundled domain tables load")
    func tables() throws {
        let tables = try DomainTables.bundled()
        #expect(tables.provinces.count == 31)
        #expect(tables.nodes["660000"] == "新疆生产建设兵团")
        #expect(tables.categories["admin_penalty"]?.fields["decision_no"]?.required == true)
        #expect(tables.codes["penalty_type"]?.contains("罚款") == true)
    }
}
