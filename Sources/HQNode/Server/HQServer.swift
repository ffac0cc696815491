import Foundation
import HQStorage
public import Hummingbird
import HummingbirdCore
import LedgerCore
public import Logging
public import NIOCore
public import NIOSSL
public import ServiceLifecycle
public import UnixSignals

/// Builds HQ's two listeners: the province listener (HTTPS, TLS 1.3 only, client certificates
/// required and verified against the configured CA, no hostname check: provinces are identified
/// by their SAN URI), hardened with a handshake deadline, an idle timeout and a connection cap;
/// and the operator listener (plain HTTP, loopback by default) for `/healthz` and `/metrics`,
/// which no province certificate can reach.
public enum HQServer {
    public static func tlsConfiguration(_ configuration: HQConfiguration) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let roots: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(configuration.cert)
            key = try NIOSSLPrivateKey(file: configuration.key, format: .pem)
            roots = try NIOSSLCertificate.fromPEMFile(configuration.ca)
        } catch {
            throw HQError(.configuration, "cannot load HQ's TLS files (cert \(configuration.cert), key \(configuration.key), ca \(configuration.ca)): \(error)",
                          hint: "point cert, key and ca at PEM files; see ops/pki.md")
        }
        guard !chain.isEmpty, !roots.isEmpty else {
            throw HQError(.configuration, "the cert or ca file holds no certificate", hint: "see ops/pki.md")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv13
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(roots)
        return tls
    }

    /// The province routes, for any context that tells who the peer is: the listener's
    /// (`HQRequestContext`, the TLS layer's client certificate) or a test's (no sockets).
    public static func router<Context: ProvinceRequestContext>(service: HQService, context: Context.Type) -> Router<Context> {
        let router = Router(context: Context.self)
        router.group("/v1/provinces/:province")
            .add(middleware: ProvinceAuthentication<Context>(service: service))
            .get { request, context in await service.state(request, context: context) }
            .post("checkpoint") { request, context in await service.addCheckpoint(request, context: context) }
            .post("entries") { request, context in await service.upload(request, context: context) }
            .get("feed") { request, context in await service.feed(request, context: context) }
            .post("feed/cosignature") { request, context in await service.feedCosignature(request, context: context) }
        return router
    }

    /// The province listener.
    public static func application(
        service: HQService,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = router(service: service, context: HQRequestContext.self)
        let configuration = service.configuration
        let (host, port) = try configuration.listenAddress
        let tls = try tlsConfiguration(configuration)
        let http = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))
        let handshake = TimeAmount.seconds(Int64(configuration.handshakeTimeoutSeconds))
        let server = HTTPServerBuilder { responder in
            try HardenedTLSChannel(HTTP1Channel(responder: responder, configuration: http), tlsConfiguration: tls, handshakeTimeout: handshake)
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "CreditSync-HQ",
                                 availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)),
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// The operator routes: `/healthz` and `/metrics`.
    public static func operatorRouter(service: HQService) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in await service.health() }
        router.get("/metrics") { _, _ in await service.metricsExposition() }
        return router
    }

    /// The operator listener, or nil when `operator_listen` is empty.
    public static func operatorApplication(
        service: HQService,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> (some ApplicationProtocol)? {
        guard let (host, port) = try service.configuration.operatorAddress else { return nil as Application<RouterResponder<BasicRequestContext>>? }
        return Application(
            router: operatorRouter(service: service),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(service.configuration.idleTimeoutSeconds)))),
            configuration: .init(address: .hostname(host, port: port), serverName: "CreditSync-HQ-operator"),
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// Both listeners as a service group: on SIGTERM/SIGINT (or `triggerGracefulShutdown()`),
    /// running uploads first stop at their next package boundary, committing what they verified,
    /// then the servers drain and stop.
    public static func serviceGroup(
        service: HQService,
        logger: Logger,
        signals: [UnixSignal] = [.sigterm, .sigint],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        onOperatorRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> ServiceGroup {
        let configuration = service.configuration
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ListenerService(setting: "listen", address: configuration.listen,
                                           wrapped: try application(service: service, logger: logger, onServerRunning: onServerRunning))),
        ]
        if let operatorApplication = try operatorApplication(service: service, logger: logger, onServerRunning: onOperatorRunning) {
            services.append(.init(service: ListenerService(setting: "operator_listen", address: configuration.operatorListen, wrapped: operatorApplication)))
        }
        // Services shut down in reverse order: the flag is set before the servers drain.
        services.append(.init(service: UploadStopper(service: service), successTerminationBehavior: .ignore))
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: signals, logger: logger))
    }
}

/// Waits for the graceful shutdown and tells uploads to stop at their next package boundary.
struct UploadStopper: Service {
    let service: HQService

    func run() async throws {
        try? await gracefulShutdown()
        service.beginShutdown()
    }
}
