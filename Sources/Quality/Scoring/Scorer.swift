/// quality.md's scoring, with the weights of a rules file.
///
/// Notation: c a category, D a dimension, r a rule of D (catalogue `dimension`), w_r the rule's
/// `weight`, m_c the category's `weight`, W_D the dimension's `weight`; n_{D,c} the records of c
/// checked for D (`checkedByDimension[D][c]`, else `checked[c]`), f_{r,c} the distinct records of c
/// failing r (`failing[c][r]`).
///
/// 1. Category score: S_{D,c} = clamp(100 − 100 · Σ_r w_r · f_{r,c} / n_{D,c}, 0, 100), for every
///    c with n_{D,c} > 0. With unit weights this is 100 minus the sum of the rules' defect rates.
/// 2. Dimension score: S_D = Σ_c v_{D,c} · S_{D,c} / Σ_c v_{D,c}, with volume weight
///    v_{D,c} = n_{D,c} · m_c. Rates are computed within each category before averaging, so
///    categories are compared with themselves; m_c lets operators lift small but important
///    categories. S_D is undefined (nil) when Σ_c v_{D,c} = 0.
/// 3. Overall: S = Σ_D W_D · S_D / Σ_D W_D over the dimensions with a score; nil if none.
/// 4. Scores are rounded to two decimals (half away from zero) only at the end; category scores
///    in the output are rounded likewise.
///
/// Numerators and denominators: a dimension shows failing = Σ_c min(n_{D,c}, F_{D,c}) of
/// checked = Σ_c n_{D,c}, where F_{D,c} is `failingByDimension[D][c]` (distinct records failing
/// any rule of D) or, when absent, Σ_r f_{r,c}. The overall shows Σ_c `failingAny[c]` (else the
/// largest dimension numerator per category) of Σ_c `checked[c]`. Rules with weight 0 are counted
/// and listed but do not lower scores. Rule counts for categories not in `checked` are ignored.
public struct Scorer: Sendable {
    public let rules: QualityRules

    public init(rules: QualityRules) { self.rules = rules }

    public func score(_ input: ScoreInput) -> QualityScore {
        let categories = input.checked.keys.sorted { (rules.categoryIndex[$0] ?? .max, $0) < (rules.categoryIndex[$1] ?? .max, $1) }
        var dimensions: [DimensionScore] = []
        var worstPerCategory: [String: Int] = [:]
        var overallWeighted = 0.0
        var overallWeight = 0.0
        for dimension in QualityDimension.allCases {
            let definitions = rules.catalogue.filter { $0.dimension == dimension }
            var categoryScores: [CategoryScore] = []
            var ruleCounts: [RuleCount] = []
            var weighted = 0.0
            var volume = 0.0
            var failing = 0
            var checked = 0
            for category in categories {
                let n = input.checkedByDimension[dimension]?[category] ?? input.checked[category] ?? 0
                guard n > 0 else { continue }
                var penalty = 0.0
                var sum = 0
                for definition in definitions {
                    let f = input.failing[category]?[definition.id] ?? 0
                    penalty += definition.weight * Double(f) / Double(n)
                    sum += f
                    ruleCounts.append(RuleCount(rule: definition.id, category: category, failing: f, checked: n, weight: definition.weight))
                }
                let score = min(100, max(0, 100 - 100 * penalty))
                let v = Double(n) * (rules.category(category)?.weight ?? 1)
                let failed = min(n, input.failingByDimension[dimension]?[category] ?? sum)
                weighted += v * score
                volume += v
                failing += failed
                checked += n
                worstPerCategory[category] = max(worstPerCategory[category] ?? 0, failed)
                categoryScores.append(CategoryScore(category: category, score: Self.round(score), failing: failed, checked: n, weight: v))
            }
            let weight = rules.dimensionWeights[dimension] ?? 0
            if volume > 0 {
                overallWeighted += weight * weighted / volume
                overallWeight += weight
            }
            dimensions.append(DimensionScore(
                dimension: dimension, score: volume > 0 ? Self.round(weighted / volume) : nil, failing: failing, checked: checked,
                weight: weight, categories: categoryScores, rules: ruleCounts))
        }
        let failingAny = categories.reduce(0) { total, category in
            total + min(input.checked[category] ?? 0, input.failingAny?[category] ?? worstPerCategory[category] ?? 0)
        }
        return QualityScore(
            overall: overallWeight > 0 ? Self.round(overallWeighted / overallWeight) : nil,
            failing: failingAny, checked: categories.reduce(0) { $0 + (input.checked[$1] ?? 0) },
            dimensions: dimensions, rulesVersion: rules.version, rulesSHA256: rules.sha256)
    }

    static func round(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }
}
