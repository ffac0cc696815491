public import LedgerCore

/// What stops an audit or a register import, for the operator.
public typealias AuditError = CodedError<AuditErrorCode>

public enum AuditErrorCode: String, ErrorCode {
    /// An input file (register NDJSON) cannot be read.
    case input = "audit.input"
    case notEnrolled = "audit.not-enrolled"
    /// The mirror or register size asked for is not one HQ holds.
    case noSuchSize = "audit.no-such-size"
    /// The rules file cannot drive an audit (e.g. a grouping not keyed on `entity.uscc`).
    case rules = "audit.rules"
    /// A stored entry is not a change record: the mirror is damaged.
    case corrupt = "audit.corrupt"
    /// The output directory cannot be written.
    case output = "audit.output"
}
