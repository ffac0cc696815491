import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Baseline for `bench sync`: copy the same bytes over a mutual-TLS 1.3 connection on loopback,
/// with the same certificates, into a sink that discards them. No HTTP, no parsing, no storage.
enum RawTLSCopy {
    /// Counts received bytes and fulfils `done` when `expected` have arrived.
    final class Sink: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: used only on its channel's event loop.
        typealias InboundIn = ByteBuffer
        let expected: Int
        let done: EventLoopPromise<Void>
        var received = 0

        init(expected: Int, done: EventLoopPromise<Void>) {
            self.expected = expected
            self.done = done
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += unwrapInboundIn(data).readableBytes
            if received >= expected { done.succeed(()) }
        }
    }

    static func seconds(file: URL, server: TLSConfiguration, client: TLSConfiguration) async throws -> Double {
        let group = MultiThreadedEventLoopGroup.singleton
        let size = try file.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
        let done = group.next().makePromise(of: Void.self)
        let serverContext = try NIOSSLContext(configuration: server)
        let clientContext = try NIOSSLContext(configuration: client)
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: serverContext))
                    try channel.pipeline.syncOperations.addHandler(Sink(expected: size, done: done))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { listener.close(promise: nil) }
        let port = listener.localAddress!.port!
        let clock = ContinuousClock()
        let start = clock.now
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            try await channel.writeAndFlush(ByteBuffer(bytes: data)).get()
        }
        try await done.futureResult.get()
        let elapsed = Bench.seconds(clock.now - start)
        try await channel.close().get()
        return elapsed
    }
}
