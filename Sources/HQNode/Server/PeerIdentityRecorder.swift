import NIOCore
import NIOSSL
import NIOTLS

/// Reads the verified client certificate once the TLS handshake completes and keeps the peer's
/// identity for the connection's requests (`HQRequestContext`), so a certificate is parsed once
/// per connection, not once per request. A connection that closes before its handshake has no
/// identity.
final class PeerIdentityRecorder: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    private var identity: EventLoopPromise<PeerIdentity?>?

    /// The identity of the connection of `channel`, once its handshake completed; nil without a
    /// client certificate (or without this handler, as on a test channel).
    static func identity(of channel: any Channel) async throws -> PeerIdentity? {
        try await channel.eventLoop.flatSubmit {
            guard let recorder = try? channel.pipeline.syncOperations.handler(type: PeerIdentityRecorder.self) else {
                return channel.eventLoop.makeSucceededFuture(nil)
            }
            return recorder.promise(on: channel.eventLoop).futureResult
        }.get()
    }

    private func promise(on loop: any EventLoop) -> EventLoopPromise<PeerIdentity?> {
        if let identity { return identity }
        let promise = loop.makePromise(of: PeerIdentity?.self)
        identity = promise
        return promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate
            let der = certificate.flatMap { try? $0.toDERBytes() }
            promise(on: context.eventLoop).succeed(der.map(PeerIdentity.init(certificateDER:)))
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A connection that ends before its handshake has no identity; after the handshake the
    /// promise is already complete and this changes nothing (NIO ignores a second completion).
    func handlerRemoved(context: ChannelHandlerContext) {
        promise(on: context.eventLoop).succeed(nil)
    }
}
