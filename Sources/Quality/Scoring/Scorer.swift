/// quality.md's scoring, with the weights of a rules file.
///
/// Notation: c a category, D a dimension, r a rule of D (catalogue `dimension`), w_r the rule's
/// `weight`, W_D = Σ_{r∈D} w_r, m_c the category's `weight`, V_D the dimension's `weight`;
/// n_{D,c} the local records of c checked for D (`checkedByDimension[D][c]`, else `checked[c]`),
/// M_c the records of c the central register holds and the province lacks (`missing[c]`),
/// f_{r,c} the distinct local records of c failing r (`failing[c][r]`).
///
/// 1. Category score: N = n_{D,c} + M_c; for N > 0,
///    S_{D,c} = clamp(100 − 100 · (Σ_r w_r · f_{r,c} + M_c · W_D) / N, 0, 100).
///    A missing record fails every rule of every dimension: sending less can never raise a
///    score, since no present record costs more than W_D. (`comprehensiveness.missing_local`'s
///    own count is M_c, not added twice.)
/// 2. Dimension score: S_D = Σ_c m_c · S_{D,c} / Σ_c m_c over the categories with N > 0: the
///    rules file's category weights decide how much each category counts, not its volume (a
///    volume average reduces to one pooled defect rate, in which many registrations drown a few
///    penalties). A dimension with nothing to check scores 100 (nothing is wrong in it) and
///    keeps its weight: it never drops out and rescales the others. Only an audit with nothing
///    at all to check (no local record, none missing) has no scores (nil: unscored, ranked last).
/// 3. Overall: S = Σ_D V_D · S_D / Σ_D V_D.
/// 4. Scores are rounded to two decimals (half away from zero) only at the end; category scores
///    in the output are rounded likewise.
///
/// Numerators and denominators: a dimension shows failing = Σ_c min(N, F_{D,c} + M_c) of
/// checked = Σ_c N, where F_{D,c} is `failingByDimension[D][c]` (distinct records failing any
/// rule of D) or, when absent, Σ_r f_{r,c}. The overall shows Σ_c `failingAny[c]` (else the
/// largest dimension numerator per category) of Σ_c `checked[c]` (local records). Rules with
/// weight 0 are counted and listed but do not lower scores. Rule counts for categories not in
/// `checked` are ignored.
public struct Scorer: Sendable {
    public let rules: QualityRules

    public init(rules: QualityRules) { self.rules = rules }

    public func score(_ input: ScoreInput) -> QualityScore {
        let categories = Set(input.checked.keys).union(input.missing.keys)
            .sorted { (rules.categoryIndex[$0] ?? .max, $0) < (rules.categoryIndex[$1] ?? .max, $1) }
        var dimensions: [DimensionScore] = []
        var worstPerCategory: [String: Int] = [:]
        var overallWeighted = 0.0
        var overallWeight = 0.0
        let anything = categories.contains { (input.checked[$0] ?? 0) + (input.missing[$0] ?? 0) > 0 }
        for dimension in QualityDimension.allCases {
            let definitions = rules.catalogue.filter { $0.dimension == dimension }
            let ruleWeight = definitions.reduce(0) { $0 + $1.weight }
            var categoryScores: [CategoryScore] = []
            var ruleCounts: [RuleCount] = []
            var weighted = 0.0
            var totalWeight = 0.0
            var failing = 0
            var checked = 0
            for category in categories {
                let local = input.checkedByDimension[dimension]?[category] ?? input.checked[category] ?? 0
                let missing = input.missing[category] ?? 0
                let n = local + missing
                guard n > 0 else { continue }
                var penalty = Double(missing) * ruleWeight
                var sum = 0
                for definition in definitions {
                    if definition.id == RuleID.missingLocal {
                        ruleCounts.append(RuleCount(rule: definition.id, category: category, failing: missing, checked: n, weight: definition.weight))
                        continue
                    }
                    let f = input.failing[category]?[definition.id] ?? 0
                    penalty += definition.weight * Double(f)
                    sum += f
                    ruleCounts.append(RuleCount(rule: definition.id, category: category, failing: f, checked: n, weight: definition.weight))
                }
                let score = min(100, max(0, 100 - 100 * penalty / Double(n)))
                let m = rules.category(category)?.weight ?? 1
                let failed = min(n, (input.failingByDimension[dimension]?[category] ?? sum) + missing)
                weighted += m * score
                totalWeight += m
                failing += failed
                checked += n
                worstPerCategory[category] = max(worstPerCategory[category] ?? 0, failed - missing)
                categoryScores.append(CategoryScore(category: category, score: Self.round(score), failing: failed, checked: n, missing: missing, weight: m))
            }
            let weight = rules.dimensionWeights[dimension] ?? 0
            let score = totalWeight > 0 ? weighted / totalWeight : 100
            overallWeighted += weight * score
            overallWeight += weight
            dimensions.append(DimensionScore(
                dimension: dimension, score: anything ? Self.round(score) : nil, failing: failing, checked: checked,
                weight: weight, categories: categoryScores, rules: ruleCounts))
        }
        let failingAny = categories.reduce(0) { total, category in
            total + min(input.checked[category] ?? 0, input.failingAny?[category] ?? worstPerCategory[category] ?? 0)
        }
        return QualityScore(
            overall: anything && overallWeight > 0 ? Self.round(overallWeighted / overallWeight) : nil,
            failing: failingAny, checked: categories.reduce(0) { $0 + (input.checked[$1] ?? 0) },
            dimensions: dimensions, rulesVersion: rules.version, rulesSHA256: rules.sha256)
    }

    static func round(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }
}
