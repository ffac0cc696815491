import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// The province listener's connections: TLS with a handshake deadline and the peer's identity
/// read once per connection (`PeerIdentityRecorder`), then the HTTP channel.
/// HummingbirdTLS's `TLSChannel` has no handshake timeout, so a client that connects and never
/// sends a ClientHello would hold a connection (and a file descriptor) forever; here it is closed
/// after `handshakeTimeout`. Idle connections after the handshake are closed by the HTTP
/// channel's idle timeout.
struct HardenedTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let sslContext: NIOSSLContext
    let handshakeTimeout: TimeAmount

    init(_ base: Base, tlsConfiguration: TLSConfiguration, handshakeTimeout: TimeAmount) throws {
        self.base = base
        self.sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        self.handshakeTimeout = handshakeTimeout
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            try channel.pipeline.syncOperations.addHandler(PeerIdentityRecorder())
            try channel.pipeline.syncOperations.addHandler(HandshakeDeadline(timeout: handshakeTimeout, logger: logger))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Closes the connection unless the TLS handshake completes within `timeout`; removes itself
/// once it has.
final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let timeout: TimeAmount
    let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            deadline?.cancel()
            deadline = nil
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let channel = context.channel
        let logger = logger
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            logger.debug("closing a connection whose TLS handshake did not complete in time", metadata: ["remote": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
            channel.close(promise: nil)
        }
    }
}
