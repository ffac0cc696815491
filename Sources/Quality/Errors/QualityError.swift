public import LedgerCore

/// The error type of `Quality`: an invalid rules file or calendar, a date the calendar does not
/// cover, a record the checker cannot read, a bad audit period.
public typealias QualityError = CodedError<QualityErrorCode>

public enum QualityErrorCode: String, ErrorCode {
    /// The rules file is not JSON, or a key holds a wrong value.
    case invalidRules = "rules.invalid"
    /// The calendar file is not JSON, or a key holds a wrong value.
    case invalidCalendar = "calendar.invalid"
    /// A date outside the calendar's covered years: working days there are unknown.
    case notCovered = "calendar.not-covered"
    /// Bytes that are not a change record the checker can read.
    case invalidRecord = "record.invalid"
    /// An audit period that is not `YYYY-MM`.
    case invalidPeriod = "period.invalid"
    /// A resource shipped with the build is missing.
    case missingResource = "resource.missing"
    /// A rules or calendar file named by the operator cannot be read.
    case unreadableFile = "file.unreadable"

    /// The key path in the rules or calendar file that is wrong (`categories.admin_penalty.fields`).
    public typealias Detail = String

    public var defaultHint: String {
        switch self {
        case .invalidRules:
            "fix the named key in the rules file (ops/rules/quality-rules.json); every key is described in ops/rules/README.md"
        case .invalidCalendar:
            "fix the named key in calendar.json: covered_years are consecutive years, holidays and adjusted_workdays map YYYY-MM-DD dates inside them to names"
        case .notCovered:
            "add the year's State Council holiday notice to calendar.json (covered_years, holidays, adjusted_workdays) and rerun"
        case .invalidRecord:
            "a change record is a JSON object with string fields category, id and op (upsert|revoke); see Protocol/formats.md"
        case .invalidPeriod:
            "write the audit period as YYYY-MM, e.g. 2026-03"
        case .missingResource:
            "the build is incomplete: rebuild so the Quality module's resources are bundled"
        case .unreadableFile:
            "check the path and the file's permissions"
        }
    }
}

extension QualityError {
    /// The key path in the rules or calendar file that is wrong, when the error is about one.
    public var key: String? { detail }

    /// An error about the file's key `key`, named at the start of the message.
    public init(_ code: Code, _ message: String, key: String?, hint: String? = nil) {
        self.init(code, key.map { "\($0): \(message)" } ?? message, hint: hint ?? code.defaultHint, detail: key)
    }
}
