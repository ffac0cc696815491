import HQStorage
public import LedgerCore
public import SyncProtocol

/// The error type of `HQNode`. Errors meant for a client are a `ProblemCode` and are answered
/// with its HTTP status; the rest (configuration, keys, storage faults) are HQ's own and become
/// a 500 with the details in the log. The detail is where the upload stands, for responses that
/// help a client resume.
public typealias HQError = CodedError<HQErrorCode>

/// A client's problem, or one of HQ's own faults.
public struct HQErrorCode: ErrorCode {
    public let rawValue: String
    /// The problem a client is answered with; nil for HQ's own faults.
    public let problem: ProblemCode?

    public init(rawValue: String) {
        self.rawValue = rawValue
        problem = ProblemCode(rawValue: rawValue)
    }

    private init(own rawValue: String) {
        self.rawValue = rawValue
        problem = nil
    }

    public typealias Detail = MirrorInfo

    public static func problem(_ problem: ProblemCode) -> HQErrorCode { HQErrorCode(rawValue: problem.rawValue) }

    public static let enrolment = HQErrorCode(own: "hq.enrolment")
    public static let configuration = HQErrorCode(own: "hq.configuration")
    public static let dataDirectory = HQErrorCode(own: "hq.data-directory")
    /// A file given to a command (`hq risk import`) cannot be read.
    public static let input = HQErrorCode(own: "hq.input")
    /// HQ's own logs disagree with themselves (the intake log lost or garbled an entry).
    public static let intake = HQErrorCode(own: "hq.intake")

    public static let notEnrolled = problem(.notEnrolled)
    public static let forbidden = problem(.forbidden)
    public static let revoked = problem(.revoked)
    public static let signatureInvalid = problem(.signatureInvalid)
    public static let fork = problem(.fork)
    public static let conflict = problem(.conflict)
    public static let stale = problem(.stale)
    public static let uploadInProgress = problem(.uploadInProgress)
    public static let shuttingDown = problem(.shuttingDown)
    public static let badRequest = problem(.badRequest)
}

extension HQError {
    /// Where the upload stands, for responses that help a client resume.
    public var mirror: MirrorInfo? { detail }

    /// The problem a client is answered with; nil for HQ's own faults.
    public var problem: ProblemCode? { codeValue.problem }

    public init(_ code: Code, _ message: String, hint: String, mirror: MirrorInfo?) {
        self.init(code, message, hint: hint, detail: mirror)
    }
}
