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

    /// An error as a `Problem` body with its HTTP status (`ProblemMapping` decides which).
    static func problem(_ error: any Error, mirror: MirrorInfo? = nil) -> Response {
        let answer = ProblemMapping.answer(for: error, mirror: mirror)
        return json(Problem(code: answer.code.rawValue, message: answer.message, hint: answer.hint, mirror: answer.mirror),
                    status: .init(code: answer.code.httpStatus))
    }
}
