import AsyncHTTPClient
import Foundation
import HQNode
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import LedgerCore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing
import TestSupport

/// The province routes' context in router tests: the peer's certificate comes in a header of the
/// test's own, since there is no TLS connection. What TLS itself refuses (another CA, no
/// certificate in the handshake) is tested over real loopback TLS instead.
struct TestProvinceContext: ProvinceRequestContext {
    static let certificateHeader = HTTPField.Name("x-creditsync-test-client-certificate")!

    var coreContext: CoreRequestContextStorage
    var province: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    func peerIdentity(of request: Request) async throws -> PeerIdentity? {
        guard let text = request.headers[Self.certificateHeader] else { return nil }
        guard let der = Base64.decode(text) else { throw VectorError("the test certificate header is not base64") }
        return PeerIdentity(certificateDER: der)
    }

    /// Router tests hold no connection to end.
    func abortConnection() {}
}

extension SyncHarness {
    /// Runs HQ's province and operator routes for the duration of `body`, through
    /// HummingbirdTesting's router (no sockets): for the handler tests that do not test TLS.
    func withRouter<T: Sendable>(configure: (inout HQConfiguration.File) -> Void = { _ in },
                                 now: @escaping @Sendable () -> Date = Date.init,
                                 _ body: @escaping @Sendable (RoutedHQ) async throws -> T) async throws -> T {
        let logger = Logger(label: "creditsync.hq.test") { _ in CapturingLogHandler(logs: self.logs) }
        let service = HQService(configuration: try hqConfiguration(edit: configure), data: hqData, logger: logger, now: now)
        let app = Application(router: HQServer.router(service: service, context: TestProvinceContext.self), logger: logger)
        return try await app.test(.router) { client in
            try await body(RoutedHQ(client: client, service: service, harness: self))
        }
    }
}

/// HQ behind its router, with the same requests as `RunningHQ` offers over TLS.
struct RoutedHQ: Sendable {
    let client: any TestClientProtocol
    let service: HQService
    let harness: SyncHarness

    /// A request with province `tls`'s certificate (the one the harness issued into `tls-<name>`).
    func request(_ method: NIOHTTP1.HTTPMethod, _ path: String, as tls: String, body: [UInt8]? = nil,
                 headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        let pem = harness.directory.appending("tls-\(tls)/cert.pem").path
        guard let certificate = try NIOSSLCertificate.fromPEMFile(pem).first else { throw VectorError("no certificate in \(pem)") }
        var fields = HTTPFields()
        fields[TestProvinceContext.certificateHeader] = Base64.encode(try certificate.toDERBytes())
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let response = try await client.execute(uri: path, method: HTTPRequest.Method(method.rawValue)!, headers: fields,
                                                body: body.map { ByteBuffer(bytes: $0) })
        return (Int(response.status.code), String(buffer: response.body))
    }

    /// A GET on the operator routes.
    func operatorRequest(_ path: String) async throws -> (status: Int, body: String) {
        let app = Application(router: HQServer.operatorRouter(service: service))
        return try await app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            return (Int(response.status.code), String(buffer: response.body))
        }
    }
}
