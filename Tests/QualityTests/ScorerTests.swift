import Foundation
import Quality
import Synthetic
import Testing

@Suite("Scoring")
struct ScorerTests {
    let scorer = Scorer(rules: QualityTestSupport.rules)

    /// A province with 1,000 registrations and 100 penalties (worked by hand below).
    let input = ScoreInput(
        checked: ["registration": 1000, "admin_penalty": 100],
        checkedByDimension: [.timeliness: ["registration": 200, "admin_penalty": 40]],
        failing: [
            "registration": ["completeness.required_field": 10, "conformance.uscc_format": 5],
            "admin_penalty": ["completeness.required_field": 20, "completeness.conditional_field": 5, "timeliness.collection": 4,
                              "timeliness.calendar_not_covered": 3],
        ],
        failingByDimension: [.completeness: ["admin_penalty": 22]])

    @Test("a worked example")
    func worked() throws {
        let score = scorer.score(input)
        func dimension(_ d: QualityDimension) -> DimensionScore { score.dimensions.first { $0.dimension == d }! }

        // Completeness: registration 100 − 100·10/1000 = 99; penalty 100 − 100·(20+5)/100 = 75;
        // by category weight (registration 1, penalty 3, not by volume): (99 + 3·75) / 4 = 81.
        let completeness = dimension(.completeness)
        #expect(completeness.score == 81)
        #expect(completeness.failing == 10 + 22 && completeness.checked == 1100)
        #expect(completeness.categories.map(\.score) == [99, 75] && completeness.categories.map(\.weight) == [1, 3])
        #expect(completeness.rules.contains(RuleCount(rule: "completeness.conditional_field", category: "admin_penalty", failing: 5, checked: 100, weight: 1)))

        // Conformance: (99.5 + 3·100) / 4 = 99.875 → 99.88.
        #expect(dimension(.conformance).score == 99.88)
        #expect(dimension(.conformance).failing == 5)

        // Timeliness over the records recorded in the period: registration 100, penalty
        // 100 − 100·4/40 = 90; the calendar gap has weight 0. (100 + 3·90) / 4 = 92.5.
        let timeliness = dimension(.timeliness)
        #expect(timeliness.score == 92.5)
        #expect(timeliness.checked == 240 && timeliness.failing == 4 + 3)

        // The four clean dimensions score 100. Overall with weights 15, 15, 15, 20, 15, 10, 10:
        // (15·100 + 15·92.5 + 15·81 + 20·100 + 15·99.875 + 10·100 + 10·100) / 100 = 96.00625.
        for clean in [QualityDimension.comprehensiveness, .accuracy, .redundancy, .relatedness] {
            #expect(dimension(clean).score == 100 && dimension(clean).failing == 0)
        }
        #expect(score.overall == 96.01)
        #expect(score.checked == 1100)
        #expect(score.failing == 10 + 22, "without failingAny, the largest dimension numerator per category")
        #expect(score.rulesVersion == QualityTestSupport.rules.version && score.rulesSHA256 == QualityTestSupport.rules.sha256)
    }

    @Test("a missing record fails every rule of every dimension; a dimension with nothing to check scores 100 and keeps its weight")
    func missingAndEmpty() throws {
        let rules = QualityTestSupport.rules
        // 10 penalties held, 2 more only at HQ; 1 held penalty lacks a required field.
        let score = scorer.score(ScoreInput(checked: ["admin_penalty": 10], checkedByDimension: [.timeliness: ["admin_penalty": 0]],
                                            failing: ["admin_penalty": ["completeness.required_field": 1]], missing: ["admin_penalty": 2]))
        func dimension(_ d: QualityDimension) -> DimensionScore { score.dimensions.first { $0.dimension == d }! }
        let weight = { (d: QualityDimension) in rules.catalogue.filter { $0.dimension == d }.reduce(0) { $0 + $1.weight } }
        // Completeness: 100 − 100·(1 + 2·W_completeness)/12.
        let completeness = 100 - 100 * (1 + 2 * weight(.completeness)) / 12
        #expect(dimension(.completeness).score == (completeness * 100).rounded() / 100)
        #expect(dimension(.completeness).failing == 3 && dimension(.completeness).checked == 12)
        #expect(dimension(.completeness).categories.first?.missing == 2)
        // Timeliness: none held recorded this month, the two missing ones fail it.
        #expect(dimension(.timeliness).score == 0 && dimension(.timeliness).checked == 2)
        #expect(dimension(.comprehensiveness).rules.contains { $0.rule == "comprehensiveness.missing_local" && $0.failing == 2 })
        // A dimension with nothing to check scores 100 and keeps its weight (here redundancy has
        // no failures and relatedness nothing at all, yet neither drops out).
        let one = scorer.score(ScoreInput(checked: ["admin_penalty": 1], checkedByDimension: [.timeliness: ["admin_penalty": 0]], failing: [:]))
        #expect(one.overall == 100 && one.dimensions.allSatisfy { $0.score == 100 })
        // Nothing at all, on either side: unscored (not 100), so it ranks last.
        let empty = scorer.score(ScoreInput(checked: [:], failing: [:]))
        #expect(empty.overall == nil && empty.dimensions.allSatisfy { $0.score == nil && $0.checked == 0 })
    }

    @Test("sending less never raises a score: any records removed (HQ still holds them) or delayed past the deadline")
    func sendingLess() throws {
        var random = SeededGenerator(seed: 2025)
        let categories = ["registration", "admin_license", "admin_penalty", "spot_check", "annual_report"]
        let ruleIDs = QualityTestSupport.rules.catalogue.map(\.id).filter { $0 != "comprehensiveness.missing_local" }
        for _ in 0..<500 {
            // A province: per category, records each failing a random set of rules.
            var records: [(category: String, rules: Set<String>, timely: Bool, late: Bool)] = []
            for _ in 0..<Int(random.next() % 40 + 1) {
                let rules = Set((0..<Int(random.next() % 4)).map { _ in ruleIDs[Int(random.next() % UInt64(ruleIDs.count))] })
                records.append((categories[Int(random.next() % UInt64(categories.count))], rules, random.next() % 2 == 0, false))
            }
            let missing = ["admin_penalty": Int(random.next() % 3)]
            let before = scorer.score(Self.input(records, missing: missing))
            // Remove a random subset (HQ still holds them: they become missing in their
            // category), or delay some past the deadline.
            var after = records
            var missingAfter = missing
            if random.next() % 2 == 0 {
                after = records.filter { record in
                    guard random.next() % 3 == 0 else { return true }
                    missingAfter[record.category, default: 0] += 1
                    return false
                }
            } else {
                for index in after.indices where after[index].timely && random.next() % 2 == 0 { after[index].late = true }
            }
            let scoreAfter = scorer.score(Self.input(after, missing: missingAfter))
            #expect((scoreAfter.overall ?? 0) <= (before.overall ?? 0) + 1e-9)
            for (a, b) in zip(scoreAfter.dimensions, before.dimensions) {
                #expect((a.score ?? 0) <= (b.score ?? 0) + 1e-9, "\(a.dimension)")
            }
        }
    }

    /// The scorer's input for a synthetic province; `missing`: records per category at HQ only.
    static func input(_ records: [(category: String, rules: Set<String>, timely: Bool, late: Bool)], missing: [String: Int]) -> ScoreInput {
        var checked: [String: Int] = [:]
        var timeliness: [String: Int] = [:]
        var failing: [String: [String: Int]] = [:]
        for record in records {
            checked[record.category, default: 0] += 1
            if record.timely { timeliness[record.category, default: 0] += 1 }
            var rules = record.rules
            if record.late { rules.insert("timeliness.collection") }
            for rule in rules { failing[record.category, default: [:]][rule, default: 0] += 1 }
        }
        for category in checked.keys { timeliness[category, default: 0] += 0 }
        return ScoreInput(checked: checked, checkedByDimension: [.timeliness: timeliness], failing: failing, missing: missing)
    }

    @Test("the score encodes for reports")
    func encodes() throws {
        let json = String(decoding: try JSONEncoder().encode(scorer.score(input)), as: UTF8.self)
        #expect(json.contains(#""rules_sha256""#) && json.contains(#""dimension":"timeliness""#))
    }
}
