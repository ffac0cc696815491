import HQStorage
import LedgerCore
import SyncProtocol

/// The error type of `HQNode`. Errors meant for a client are a `ProblemCode` and are answered
/// with its HTTP status; the rest (configuration, keys, storage faults) are HQ's own and become
/// a 500 with the details in the log.
public struct HQError: OperatorError, Equatable {
    public enum Code: Sendable, Equatable {
        case problem(ProblemCode)
        case enrolment
        case configuration
        case dataDirectory
        /// A file given to a command (`hq risk import`) cannot be read.
        case input

        public static let notEnrolled = Code.problem(.notEnrolled)
        public static let forbidden = Code.problem(.forbidden)
        public static let revoked = Code.problem(.revoked)
        public static let signatureInvalid = Code.problem(.signatureInvalid)
        public static let fork = Code.problem(.fork)
        public static let conflict = Code.problem(.conflict)
        public static let stale = Code.problem(.stale)
        public static let uploadInProgress = Code.problem(.uploadInProgress)
        public static let shuttingDown = Code.problem(.shuttingDown)
        public static let badRequest = Code.problem(.badRequest)
    }

    public var codeValue: Code
    public var message: String
    public var hint: String
    /// Where the upload stands, for responses that help a client resume.
    public var mirror: MirrorInfo?

    public init(_ code: Code, _ message: String, hint: String, mirror: MirrorInfo? = nil) {
        self.codeValue = code
        self.message = message
        self.hint = hint
        self.mirror = mirror
    }

    public var code: String {
        switch codeValue {
        case .problem(let problem): problem.rawValue
        case .enrolment: "hq.enrolment"
        case .configuration: "hq.configuration"
        case .dataDirectory: "hq.data-directory"
        case .input: "hq.input"
        }
    }

    /// The problem a client is answered with; nil for HQ's own faults.
    public var problem: ProblemCode? {
        if case .problem(let problem) = codeValue { return problem }
        return nil
    }
}
