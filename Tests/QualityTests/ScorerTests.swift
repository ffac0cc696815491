import Foundation
import Quality
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
        // by volume (1000, 100): (99·1000 + 75·100) / 1100 = 96.818…
        let completeness = dimension(.completeness)
        #expect(completeness.score == 96.82)
        #expect(completeness.failing == 10 + 22 && completeness.checked == 1100)
        #expect(completeness.categories.map(\.score) == [99, 75])
        #expect(completeness.rules.contains(RuleCount(rule: "completeness.conditional_field", category: "admin_penalty", failing: 5, checked: 100, weight: 1)))

        // Conformance: (99.5·1000 + 100·100) / 1100 = 99.5454… → 99.55.
        #expect(dimension(.conformance).score == 99.55)
        #expect(dimension(.conformance).failing == 5)

        // Timeliness over the records recorded in the period: registration 100 (200), penalty
        // 100 − 100·4/40 = 90 (40); the calendar gap has weight 0. (100·200 + 90·40) / 240 = 98.333…
        let timeliness = dimension(.timeliness)
        #expect(timeliness.score == 98.33)
        #expect(timeliness.checked == 240 && timeliness.failing == 4 + 3)

        // The four clean dimensions score 100. Overall with weights 15, 15, 15, 20, 15, 10, 10:
        // (15·100 + 15·98.3333 + 15·96.8182 + 20·100 + 15·99.5455 + 10·100 + 10·100) / 100 = 99.2045…
        for clean in [QualityDimension.comprehensiveness, .accuracy, .redundancy, .relatedness] {
            #expect(dimension(clean).score == 100 && dimension(clean).failing == 0)
        }
        #expect(score.overall == 99.2)
        #expect(score.checked == 1100)
        #expect(score.failing == 10 + 22, "without failingAny, the largest dimension numerator per category")
        #expect(score.rulesVersion == QualityTestSupport.rules.version && score.rulesSHA256 == QualityTestSupport.rules.sha256)
    }

    @Test("scores stay within 0…100, and a dimension with nothing checked has no score")
    func bounds() throws {
        let score = scorer.score(ScoreInput(checked: ["admin_penalty": 10],
                                            checkedByDimension: [.timeliness: ["admin_penalty": 0]],
                                            failing: ["admin_penalty": ["completeness.required_field": 10, "completeness.conditional_field": 10]],
                                            failingAny: ["admin_penalty": 10]))
        #expect(score.dimensions.first { $0.dimension == .completeness }?.score == 0)
        #expect(score.dimensions.first { $0.dimension == .timeliness }?.score == nil)
        #expect(score.dimensions.first { $0.dimension == .completeness }?.failing == 10)
        // (15·100 + 15·0 + 20·100 + 15·100 + 10·100 + 10·100) / 85 = 82.35…
        #expect(score.overall == 82.35)
        #expect(score.failing == 10)
        #expect(scorer.score(ScoreInput(checked: [:], failing: [:])).overall == nil)
    }

    @Test("the score encodes for reports")
    func encodes() throws {
        let json = String(decoding: try JSONEncoder().encode(scorer.score(input)), as: UTF8.self)
        #expect(json.contains(#""rules_sha256""#) && json.contains(#""dimension":"timeliness""#))
    }
}
