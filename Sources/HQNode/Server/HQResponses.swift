import Foundation
import Hummingbird
import LedgerCore
import NIOCore
import SyncProtocol

/// JSON and text responses of the sync protocol.
enum HQResponses {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder.sync.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error as a `Problem` body with its HTTP status; unexpected errors become 500 without
    /// details (those go to the log).
    static func problem(_ error: any Error) -> Response {
        switch error {
        case let error as HQError:
            return json(Problem(code: error.code, message: error.message, hint: error.hint, mirror: error.mirror),
                        status: .init(code: error.httpStatus))
        case let error as SyncProtocolError:
            return json(Problem(code: error.code, message: error.message, hint: error.hint), status: .init(code: error.httpStatus))
        default:
            return json(Problem(code: "hq.internal", message: "HQ could not process the request", hint: "retry later; HQ's operators have the details in the log"),
                        status: .internalServerError)
        }
    }

    static func problem(_ error: any Error, mirror: MirrorInfo?) -> Response {
        guard let mirror else { return problem(error) }
        switch error {
        case var error as HQError:
            error.mirror = error.mirror ?? mirror
            return problem(error)
        case let error as SyncProtocolError:
            return json(Problem(code: error.code, message: error.message, hint: error.hint, mirror: mirror), status: .init(code: error.httpStatus))
        default:
            return problem(error)
        }
    }
}
