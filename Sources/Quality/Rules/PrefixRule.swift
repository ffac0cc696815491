/// The USCC's first two characters against a type field (uscc.md: `91` ↔ 法人及非法人组织,
/// `92` ↔ 个体工商户). Prefixes not listed are not checked.
public struct PrefixRule: Sendable {
    public let categories: Set<String>
    /// Path of the type field (`fields.counterparty_type`).
    public let field: String
    /// Allowed values per prefix.
    public let expect: [String: Set<String>]
}
