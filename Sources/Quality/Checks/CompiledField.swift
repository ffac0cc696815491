/// A `FieldRule` turned into lookups the checker runs per record without allocating. A class, so
/// walking a category's fields per record retains one reference, not each table.
final class CompiledField: Sendable {
    let rule: FieldRule
    /// Path components from the record root.
    let components: [String]
    /// `fields` and the key: where a category's field lies (a key may hold a dot).
    let inFields: [String]
    let codes: Set<String>?
    /// (cut-off day, table, table name), ascending.
    let codesBefore: [(day: Int, codes: Set<String>, table: String)]
    let requiredIf: (components: [String], value: String, label: String)?
    let after: (components: [String], label: String)?
    let yuanForWan: (max: Double, text: [String]?)?

    init(rule: FieldRule, components: [String], codes: Set<String>?, codesBefore: [(day: Int, codes: Set<String>, table: String)],
         requiredIf: (components: [String], value: String, label: String)?, after: (components: [String], label: String)?,
         yuanForWan: (max: Double, text: [String]?)?) {
        self.rule = rule
        self.components = components
        inFields = ["fields", rule.key]
        self.codes = codes
        self.codesBefore = codesBefore
        self.requiredIf = requiredIf
        self.after = after
        self.yuanForWan = yuanForWan
    }
}
