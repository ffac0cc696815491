import LedgerCore
import SyncProtocol

/// The error type of `HQNode`. Client errors carry the HTTP status they are answered with.
public struct HQError: OperatorError, Equatable {
    public enum Code: String, Sendable {
        case notEnrolled = "hq.not-enrolled"
        case forbidden = "hq.forbidden"
        case signatureInvalid = "hq.signature-invalid"
        case fork = "hq.fork"
        case conflict = "hq.conflict"
        case uploadInProgress = "hq.upload-in-progress"
        case shuttingDown = "hq.shutting-down"
        case badRequest = "hq.bad-request"
        case enrolment = "hq.enrolment"
        case configuration = "hq.configuration"
        case dataDirectory = "hq.data-directory"
    }

    public var codeValue: Code
    public var message: String
    public var hint: String
    public var code: String { codeValue.rawValue }
    /// Where the upload stands, for responses that help a client resume.
    public var mirror: MirrorInfo?

    public init(_ code: Code, _ message: String, hint: String, mirror: MirrorInfo? = nil) {
        self.codeValue = code
        self.message = message
        self.hint = hint
        self.mirror = mirror
    }

    public var httpStatus: Int {
        switch codeValue {
        case .notEnrolled: 404
        case .forbidden, .signatureInvalid: 403
        case .fork, .conflict, .uploadInProgress: 409
        case .shuttingDown: 503
        case .badRequest: 400
        case .enrolment, .configuration, .dataDirectory: 500
        }
    }
}
