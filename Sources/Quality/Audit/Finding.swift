/// One defect of one record under one rule: what the 问题清单 lists, row by row.
///
/// Encoded with snake_case keys (`message_en`, `hint_en`); optional members are omitted when
/// absent. A row carries what a province needs to act on it without looking anything up ("谁产生、
/// 谁提供、谁负责", 2018-25): the entity, the record's business key, the unit that produced it, and a
/// finding id that stays the same while the defect does.
public struct Finding: Sendable, Codable, Hashable {
    /// Whether the record was recorded before the audit month (存量) or in it (增量).
    public enum Segment: String, Sendable, Codable, Hashable, CaseIterable {
        case stock
        case increment
    }

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
    /// Stable across months: the same defect (province, category, id, rule, field) keeps it, so
    /// rectification can refer to it. 16 hex digits of SHA-256.
    public var findingID: String?
    /// The entity's USCC and name as the record gives them.
    public var uscc: String?
    public var entityName: String?
    /// The category's business-key values other than the USCC (a decision or licence number).
    public var businessKey: String?
    /// The unit that produced the record (its deciding authority, else its source) and its code.
    public var sourceUnit: String?
    public var sourceCode: String?
    /// The record's `recorded_at` date in Beijing time.
    public var recordedOn: String?
    /// The expected value or the deadline the record missed, when the check knows it.
    public var expected: String?
    /// Stock or increment, as the audit decides from `recordedOn` and its month.
    public var segment: Segment?

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
        case category, id, dimension, rule, field, value, message, hint, index, uscc, expected, segment
        case messageEn = "message_en"
        case hintEn = "hint_en"
        case findingID = "finding_id"
        case entityName = "entity_name"
        case businessKey = "business_key"
        case sourceUnit = "source_unit"
        case sourceCode = "source_code"
        case recordedOn = "recorded_on"
    }
}
