/// One category's checks, compiled for `RecordChecker`.
struct CompiledCategory: Sendable {
    let fields: [CompiledField]
    /// Indices into `fields` of the fields with `after`.
    let ordered: [Int]
    let prefixRules: [(field: [String], label: String, codes: Set<String>?, expect: [String: Set<String>])]
    let deadlines: [CompiledDeadline]
}
