public import Hummingbird
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

    /// The DER bytes of the verified client certificate, if the connection has one.
    func peerCertificateDER() async throws -> [UInt8]? {
        try await channel.nioSSL_peerCertificate().get()?.toDERBytes()
    }
}
