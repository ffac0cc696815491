import LedgerCore

extension GroupChecker {
    /// Credit repairs against the records they repair (notices/2024-69-credit-three-year-plan.txt:32,
    /// 同步修复), within one entity's group:
    /// * `relatedness.repair_without_record`: the repair names a category it cannot repair, or no
    ///   current record of that category and id decided on or before the repair (a list entry must
    ///   be a listing, 列入); reported on the repair;
    /// * `relatedness.repaired_still_active`: the repaired record is still shown: a list entry
    ///   with no removal (移出) of the same list decided on or after the listing, or another record
    ///   whose publicity ends after the repair date or not at all; reported on the repaired record,
    ///   which is the one to correct.
    func checkRepairs(_ live: [AuditRecord], into findings: inout [Finding], unmatched: Bool, stillActive: Bool) {
        let repairs = rules.relations.repairs
        let lists = rules.relations.lists
        let (categoryPath, idPath, datePath, untilPath) = repairPaths
        func date(_ record: AuditRecord, _ path: [String]) -> CivilDate? {
            RecordPath.string(record.json, path).flatMap { CivilDate(iso: $0) }
        }
        var reported: Set<String> = []
        for repair in live where repair.category == repairs.category {
            let category = RecordPath.string(repair.json, categoryPath) ?? ""
            let id = RecordPath.string(repair.json, idPath) ?? ""
            let repairedOn = date(repair, datePath)
            let label = rules.category(category)?.label ?? category
            let target = live.first { $0.category == category && $0.id == id }
            let problem: (zh: String, en: String)?
            if !repairs.repairable.contains(category) {
                problem = ("修复信息类别“\(category)”不是可修复的行政处罚或名录列入信息", "repaired category \(category) is not a penalty or a list entry")
            } else if let target {
                if lists.categories.contains(category), RecordPath.string(target.json, listAction) != lists.listing {
                    problem = ("被修复记录 \(category)/\(id) 不是\(label)\(lists.listing)记录", "repaired record \(category)/\(id) is not a listing")
                } else if let repairedOn, let decided = decisionDate(of: target), decided > repairedOn {
                    problem = ("被修复记录 \(category)/\(id) 的决定日期 \(decided.iso) 晚于修复决定日期 \(repairedOn.iso)",
                               "repaired record \(category)/\(id) was decided on \(decided.iso), after the repair on \(repairedOn.iso)")
                } else {
                    problem = nil
                }
            } else {
                problem = ("该主体没有\(label)记录 \(id)（或已撤销）", "the entity has no current \(category) record \(id)")
            }
            if let problem {
                if unmatched { add(RuleID.repairWithoutRecord, repair, field: repairs.repairedID, value: id, detail: problem, into: &findings) }
                continue
            }
            guard stillActive, let target, let repairedOn, reported.insert(category + "\u{1F}" + id).inserted else { continue }
            if lists.categories.contains(category) {
                let listedOn = date(target, listDate)
                let removed = live.contains { removal in
                    guard removal.category == category, RecordPath.string(removal.json, listAction) == lists.removal else { return false }
                    guard let listedOn, let removedOn = date(removal, listDate) else { return true }
                    return removedOn >= listedOn
                }
                if !removed {
                    add(RuleID.repairedStillActive, target, field: lists.action, value: lists.listing,
                        detail: ("\(label)\(lists.listing)记录已于 \(repairedOn.iso) 信用修复（\(repair.category)/\(repair.id)），但没有对应的\(lists.removal)记录",
                                 "list entry repaired on \(repairedOn.iso) by \(repair.category)/\(repair.id) has no removal"),
                        into: &findings)
                }
            } else {
                let until = date(target, untilPath)
                if until.map({ $0 > repairedOn }) ?? true {
                    let shown = until?.iso ?? "未填写"
                    add(RuleID.repairedStillActive, target, field: repairs.publicityUntil, value: until?.iso,
                        detail: ("\(label)已于 \(repairedOn.iso) 信用修复（\(repair.category)/\(repair.id)），公示截止期仍为“\(shown)”",
                                 "\(category) repaired on \(repairedOn.iso) by \(repair.category)/\(repair.id) is still published until \(until?.iso ?? "(no end)")"),
                        into: &findings)
                }
            }
        }
    }
}
