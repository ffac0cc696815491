public import Hummingbird
import NIOCore

/// A request context of the province routes: it tells who the peer is, and carries the province
/// `ProvinceAuthentication` established. The province listener's is `HQRequestContext`; tests
/// run the same router with a context of their own, without sockets.
public protocol ProvinceRequestContext: RequestContext {
    /// The identity of the verified client certificate the request came with; nil without one.
    func peerIdentity(of request: Request) async throws -> PeerIdentity?
    /// Set by `ProvinceAuthentication` for the `/v1/provinces/{code}` routes.
    var province: String? { get set }
    /// Ends the request's connection at once (an upload that went silent mid-body).
    func abortConnection()
}

/// The province listener's request context: the peer's identity is the one the TLS layer read
/// from the connection's verified client certificate at the handshake.
public struct HQRequestContext: ProvinceRequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    public var province: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    public func peerIdentity(of request: Request) async throws -> PeerIdentity? {
        try await PeerIdentityRecorder.identity(of: channel)
    }

    public func abortConnection() {
        channel.close(promise: nil)
    }
}
