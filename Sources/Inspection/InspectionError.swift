public import LedgerCore

/// What stops an inspection step, for the operator (and the inspector on site).
public typealias InspectionError = CodedError<InspectionErrorCode>

public enum InspectionErrorCode: String, ErrorCode {
    /// A command-line input is not usable (weights, sample size, the checkpoint file).
    case usage = "inspection.usage"
    /// The checkpoint is not one of this log's, or its signature does not verify.
    case checkpoint = "inspection.checkpoint"
    /// A plan, bundle or comparison file is malformed or not what it claims.
    case malformed = "inspection.malformed"
    /// The trust file is missing, malformed, or does not vouch for the bundle's keys.
    case trust = "inspection.trust"
    /// A bundle failed verification: a signature, a proof, the log or the sample.
    case verification = "inspection.verification"
    /// A plan's order of events fails: notice, acknowledgement, receipt, secret.
    case order = "inspection.order"
    /// A signed result is unsigned, edited, signed by another key or of another bundle.
    case result = "inspection.result"
    /// The archive findings file has unusable rows (the rest was compared).
    case archive = "inspection.archive"
    /// An output file cannot be written.
    case output = "inspection.output"
    /// A stored entry is not a change record: the log is damaged.
    case corrupt = "inspection.corrupt"
}

extension InspectionError {
    static func verification(_ message: String) -> InspectionError {
        InspectionError(.verification, message, hint: "do not use this bundle; ask for a new one from the province ledger or HQ's mirror")
    }
}
