public import LedgerCore

/// A demo step whose expected outcome did not happen (a tampered copy verified, a forged
/// checkpoint was accepted): the demo stops, since what it shows would be false.
public typealias DemoError = CodedError<DemoErrorCode>

public enum DemoErrorCode: String, ErrorCode {
    case unexpected = "demo.unexpected"

    public var defaultHint: String { "report this as a bug, with the demo's output" }
}
