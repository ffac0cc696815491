import Gzip
import HQStorage
import LedgerCore
import SyncProtocol

/// Which problem a client gets for an error: the one place that decides what is the client's
/// fault (a 4xx with a stable code it can act on) and what is HQ's (500, details only in the
/// log). A client's bad input must never read as "HQ failed, retry later".
enum ProblemMapping {
    struct Answer {
        var code: ProblemCode
        var message: String
        var hint: String
        var mirror: MirrorInfo?
        /// HQ's own fault: log it in full, tell the client nothing more.
        var isServerFault: Bool { code.httpStatus >= 500 && code != .shuttingDown && code != .unavailable }
    }

    static func answer(for error: any Error, mirror: MirrorInfo? = nil) -> Answer {
        switch error {
        case let error as HQError:
            guard let problem = error.problem else { return internalError }
            return Answer(code: problem, message: error.message, hint: error.hint, mirror: error.mirror ?? mirror)
        case let error as SyncProtocolError:
            return Answer(code: error.codeValue, message: error.message, hint: error.hint, mirror: mirror)
        case let error as GzipError:
            return Answer(code: .badEncoding, message: "the gzip body is invalid: \(error.description)",
                          hint: "send one complete gzip stream (RFC 1952), or the plain body without Content-Encoding", mirror: mirror)
        case let error as LedgerCoreError:
            return Answer(code: .badRequest, message: error.message, hint: error.hint, mirror: mirror)
        case let error as HQStorageError:
            switch error.codeValue {
            case .uploadInProgress: return Answer(code: .uploadInProgress, message: error.message, hint: error.hint, mirror: mirror)
            case .conflict, .noSuchCheckpoint, .incomplete: return Answer(code: .conflict, message: error.message, hint: error.hint, mirror: mirror)
            case .rootMismatch: return Answer(code: .proofInvalid, message: error.message, hint: error.hint, mirror: mirror)
            case .notEnrolled: return Answer(code: .notEnrolled, message: error.message, hint: error.hint)
            case .outOfRange: return Answer(code: .badRequest, message: error.message, hint: error.hint)
            case .unavailable: return Answer(code: .unavailable, message: "HQ's storage is unavailable", hint: "retry later", mirror: mirror)
            case .enrolment, .corrupt, .schema: return internalError
            }
        default:
            return internalError
        }
    }

    static let internalError = Answer(code: .internal, message: "HQ could not process the request",
                                      hint: "retry later; HQ's operators have the details in the log")
}
