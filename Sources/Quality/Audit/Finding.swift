/// One defect of one record under one rule: what the 问题清单 lists, row by row.
///
/// Encoded with snake_case keys (`message_en`, `hint_en`); `field`, `value` and `index` are
/// omitted when absent.
public struct Finding: Sendable, Codable, Hashable {
    /// The record's category (`admin_penalty`).
    public var category: String
    /// The record's id within (province, category).
    public var id: String
    public var dimension: QualityDimension
    /// Stable rule id from the rules file's catalogue, e.g. `completeness.required_field`.
    public var rule: String
    /// Path of the offending field (`fields.fine_amount`, `entity.uscc`), if the defect is in one.
    public var field: String?
    /// The offending value as text (strings as written, other JSON as canonical JSON), if any.
    public var value: String?
    /// What is wrong, in Simplified Chinese.
    public var message: String
    /// How to fix it, in Simplified Chinese.
    public var hint: String
    public var messageEn: String
    public var hintEn: String
    /// The record's index in its log, when the caller knows it.
    public var index: UInt64?

    public init(category: String, id: String, dimension: QualityDimension, rule: String, field: String? = nil, value: String? = nil,
                message: String, hint: String, messageEn: String, hintEn: String, index: UInt64? = nil) {
        self.category = category
        self.id = id
        self.dimension = dimension
        self.rule = rule
        self.field = field
        self.value = value
        self.message = message
        self.hint = hint
        self.messageEn = messageEn
        self.hintEn = hintEn
        self.index = index
    }

    enum CodingKeys: String, CodingKey {
        case category, id, dimension, rule, field, value, message, hint, index
        case messageEn = "message_en"
        case hintEn = "hint_en"
    }
}
