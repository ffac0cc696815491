/// A `DeadlineRule` with its paths split and its field labels resolved (a class, like `CompiledField`).
final class CompiledDeadline: Sendable {
    let rule: DeadlineRule
    let when: [(components: [String], value: String)]
    let from: [String]
    let to: [String]
    let fromLabel: String
    let toLabel: String

    init(rule: DeadlineRule, when: [(components: [String], value: String)], from: [String], to: [String], fromLabel: String, toLabel: String) {
        self.rule = rule
        self.when = when
        self.from = from
        self.to = to
        self.fromLabel = fromLabel
        self.toLabel = toLabel
    }
}
