import LedgerCore
import Quality
import Synthetic
import Testing

/// Credit repairs against what they repair (notices/2024-69-credit-three-year-plan.txt:32, 同步修复).
@Suite("Credit repairs")
struct CreditRepairTests {
    let period = try! AuditPeriod("2026-08")

    /// The fixture's clean story: registration, report, repaired penalty, listing, removal, repair.
    func story() throws -> [JSONValue] {
        try #require(QualityTestSupport.injector.groupFixture(RuleID.repairWithoutRecord, period: period, tables: QualityTestSupport.tables)).clean
    }

    func record(_ records: [JSONValue], _ category: String, action: String? = nil) throws -> JSONValue {
        try #require(records.first { $0["category"]?.stringValue == category && (action == nil || $0.value(at: "fields.action")?.stringValue == action) })
    }

    func findings(_ records: [JSONValue]) throws -> [Finding] {
        QualityTestSupport.groupFindings(try QualityTestSupport.auditRecords(records), period: period)
    }

    func replacing(_ records: [JSONValue], _ old: JSONValue, with new: JSONValue?) -> [JSONValue] {
        records.compactMap { $0 == old ? new : $0 }
    }

    @Test("a repair must name a current penalty or listing of its entity, decided on or before the repair")
    func repairedRecordMustExist() throws {
        let clean = try story()
        let repair = try record(clean, "credit_repair")
        let penalty = try record(clean, "admin_penalty")
        let removal = try record(clean, "abnormal_list", action: "移出")
        let repairedOn = try #require(repair.value(at: "fields.decision_date")?.stringValue)
        #expect(try findings(clean).isEmpty)

        // The penalty was revoked: the repair names nothing current.
        let revoked = penalty.setting("op", to: .string("revoke"))
        var found = try findings(clean + [revoked])
        #expect(found.map(\.rule) == [RuleID.repairWithoutRecord])
        #expect(found.first?.id == repair["id"]?.stringValue && found.first?.field == "fields.repaired_id")

        // A penalty decided after its repair is not the one repaired.
        let later = CivilDate(iso: repairedOn)!.adding(days: 1).iso
        found = try findings(replacing(clean, penalty, with: penalty.setting("fields.decision_date", to: .string(later))))
        #expect(found.map(\.rule) == [RuleID.repairWithoutRecord])
        #expect(found.first?.message.contains("晚于修复决定日期") == true)

        // A removal is not a listing; a registration cannot be repaired.
        let namesRemoval = repair.setting("fields.repaired_category", to: .string("abnormal_list"))
            .setting("fields.repaired_id", to: removal["id"]!)
        found = try findings(replacing(clean, repair, with: namesRemoval))
        #expect(found.map(\.rule) == [RuleID.repairWithoutRecord])
        let registration = try record(clean, "registration")
        let namesRegistration = repair.setting("fields.repaired_category", to: .string("registration"))
            .setting("fields.repaired_id", to: registration["id"]!)
        #expect(try findings(replacing(clean, repair, with: namesRegistration)).map(\.rule) == [RuleID.repairWithoutRecord])
    }

    @Test("a repaired penalty published beyond the repair date, or without an end, is reported on the penalty")
    func repairedPenaltyStillShown() throws {
        let clean = try story()
        let repair = try record(clean, "credit_repair")
        let penalty = try record(clean, "admin_penalty")
        let repairedOn = try #require(repair.value(at: "fields.decision_date").flatMap(\.stringValue).flatMap { CivilDate(iso: $0) })

        // Ending earlier than the repair is fine; ending after it is not.
        let earlier = penalty.setting("fields.publicity_until", to: .string(repairedOn.adding(days: -1).iso))
        #expect(try findings(replacing(clean, penalty, with: earlier)).isEmpty)
        let after = penalty.setting("fields.publicity_until", to: .string(repairedOn.adding(days: 30).iso))
        let found = try findings(replacing(clean, penalty, with: after))
        #expect(found.map(\.rule) == [RuleID.repairedStillActive])
        #expect(found.first?.category == "admin_penalty" && found.first?.id == penalty["id"]?.stringValue)
        #expect(found.first?.field == "fields.publicity_until" && found.first?.value == repairedOn.adding(days: 30).iso)

        // The later version of the penalty stands for it: correcting the end clears the finding.
        #expect(try findings(replacing(clean, penalty, with: after) + [penalty]).isEmpty)
    }

    @Test("a repaired listing needs its removal: without one it is still shown")
    func repairedListingNeedsRemoval() throws {
        let clean = try story()
        let repair = try record(clean, "credit_repair")
        let listing = try record(clean, "abnormal_list", action: "列入")
        let removal = try record(clean, "abnormal_list", action: "移出")
        let listedOn = try #require(listing.value(at: "fields.decision_date")?.stringValue)
        let repairsListing = repair.setting("fields.repaired_category", to: .string("abnormal_list"))
            .setting("fields.repaired_id", to: listing["id"]!)
            .setting("fields.decision_date", to: removal.value(at: "fields.decision_date")!)
        let withListingRepaired = replacing(clean, repair, with: repairsListing)
        #expect(try findings(withListingRepaired).isEmpty)

        // Without the removal the listing is still active (and removal_without_listing is silent).
        let found = try findings(replacing(withListingRepaired, removal, with: nil))
        #expect(found.map(\.rule) == [RuleID.repairedStillActive])
        #expect(found.first?.id == listing["id"]?.stringValue && found.first?.value == "列入")
        #expect(found.first?.message.contains("没有对应的移出记录") == true)

        // A removal decided before the listing does not remove it (and is itself a removal
        // without a listing).
        let before = CivilDate(iso: listedOn)!.adding(days: -1).iso
        let early = removal.setting("fields.decision_date", to: .string(before))
        let stale = try findings(replacing(withListingRepaired, removal, with: early)).map(\.rule)
        #expect(stale.sorted() == [RuleID.removalWithoutListing, RuleID.repairedStillActive].sorted())
    }
}
