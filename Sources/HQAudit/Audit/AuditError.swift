import LedgerCore

/// What stops an audit or a register import, for the operator.
public struct AuditError: OperatorError, Equatable {
    public enum Code: String, Sendable {
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

    public var codeValue: Code
    public var message: String
    public var hint: String
    public var code: String { codeValue.rawValue }

    public init(_ code: Code, _ message: String, hint: String) {
        self.codeValue = code
        self.message = message
        self.hint = hint
    }
}
