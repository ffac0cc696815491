/// What the rules file says about one field: the envelope's (`entity.uscc`) or a category's
/// (`fields.fine_amount`).
public struct FieldRule: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// `YYYY-MM-DD`.
        case date
        /// RFC 3339 with an offset.
        case datetime
        /// A plain decimal string, at most `amounts.max_places` decimal places.
        case decimal
        /// A Unified Social Credit Code (uscc.md).
        case uscc
        /// `YYYY`.
        case year
        /// `YYYY-MM`.
        case month
    }

    /// A table that replaces `codes` for records decided before a date.
    public struct CodesBefore: Sendable {
        public let date: CivilDate
        public let table: String
    }

    /// Full path: `entity.uscc`, `occurred_at`, `fields.fine_amount`.
    public let path: String
    /// The key as written in the file (`fine_amount` within a category, the path in the envelope).
    public let key: String
    /// The Chinese name (`zh`).
    public let label: String
    public let required: Bool
    /// Required when the field at `path` holds `value` (or, for a list, contains it).
    public let requiredIf: (path: String, value: String)?
    public let format: Format?
    /// Code table name.
    public let codes: String?
    /// Earlier tables by cut-off date, ascending: a record decided before `date` uses `table`.
    public let codesBefore: [CodesBefore]
    /// The value is an array of strings, each checked.
    public let list: Bool
    /// Path of a date field this one may not precede (an end date's start).
    public let after: String?
    /// `10k_yuan` for amounts in 万元.
    public let unit: String?
    /// Longest value in characters (Unicode scalars).
    public let maxLength: Int?
}
