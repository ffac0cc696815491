import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// Builds HQ's HTTPS application: TLS 1.3 only, client certificates required and verified
/// against the configured CA (no hostname check: provinces are identified by their SAN URI).
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

    public static func application(
        service: HQService,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: HQRequestContext.self)
        router.get("/healthz") { _, _ in HQResponses.text("ok\n") }
        router.get("/metrics") { request, context in await service.metricsExposition(request, context: context) }
        router.group("/v1/provinces/:province")
            .add(middleware: ProvinceAuthentication(metrics: service.metrics))
            .get { request, context in await service.state(request, context: context) }
            .post("checkpoint") { request, context in await service.addCheckpoint(request, context: context) }
            .post("entries") { request, context in await service.upload(request, context: context) }
        let (host, port) = try service.configuration.listenAddress
        return Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tlsConfiguration(service.configuration)),
            configuration: .init(address: .hostname(host, port: port), serverName: "CreditSync-HQ"),
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// The server as a service group: on SIGTERM/SIGINT (or `triggerGracefulShutdown()`), running
    /// uploads first stop at their next package boundary, committing what they verified, then the
    /// HTTP server drains and stops.
    public static func serviceGroup(
        service: HQService,
        logger: Logger,
        signals: [UnixSignal] = [.sigterm, .sigint],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> ServiceGroup {
        let application = try application(service: service, logger: logger, onServerRunning: onServerRunning)
        // Services shut down in reverse order: the flag is set before the server drains.
        return ServiceGroup(configuration: .init(
            services: [
                .init(service: application),
                .init(service: UploadStopper(service: service), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: signals,
            logger: logger))
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
