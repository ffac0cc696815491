import Hummingbird
import NIOCore
import NIOSSL
import PKI

/// Request context that keeps the connection's channel, so handlers can read the verified TLS
/// client certificate, and the province that certificate names once authenticated.
public struct HQRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// Set by `ProvinceAuthentication` for the `/v1/provinces/{code}` routes.
    var province: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The province bound into the client certificate (SAN URI `creditsync:province:<code>`).
    func certificateProvince() async throws -> String? {
        guard let certificate = try await channel.nioSSL_peerCertificate().get() else { return nil }
        return ProvinceIdentity.province(ofDER: try certificate.toDERBytes())
    }
}
