import Foundation
import HQStorage
import Hummingbird
import LedgerCore
import Logging
import PKI

/// Maps the client certificate to exactly one province and refuses (403, logged, counted under
/// the certificate's own province, never the requested one) a certificate that names none or
/// several, a revoked certificate, and any request about another province's log. Revocation is
/// read from the registry on every request, so `hq revoke` takes effect at once.
struct ProvinceAuthentication<Context: ProvinceRequestContext>: RouterMiddleware {
    let service: HQService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requested = context.parameters.get("province") ?? "?"
        guard let peer = try await context.peerIdentity(of: request) else {
            return refuse(.forbidden, "the connection has no client certificate", label: "unidentified", context: context)
        }
        let certified: String
        switch peer.province {
        case .success(let province):
            certified = province
        case .failure(let refusal):
            return refuse(.forbidden, refusal.description, label: "unidentified", context: context)
        }
        if let serial = peer.serial, try await service.data.registry.isRevoked(.certificate, serial) {
            await service.events.refusal(SyncEvent(province: certified, at: service.now(), kind: .refusal, outcome: "certificate-revoked", detail: serial))
            return refuse(.revoked, "the client certificate (serial \(serial)) is revoked", label: certified, context: context)
        }
        guard certified == requested else {
            context.logger.warning("refused a request for another province's log",
                                   metadata: ["certificate.province": "\(certified)", "requested.path": "\(request.uri.path.prefix(64))"])
            await service.events.refusal(SyncEvent(province: certified, at: service.now(), kind: .refusal, outcome: "wrong-province"))
            return refuse(.forbidden, "the client certificate is for province \(certified), not \(requested.prefix(16))", label: certified, context: context)
        }
        var context = context
        context.province = certified
        context.logger[metadataKey: "province"] = "\(certified)"
        return try await next(request, context)
    }

    private func refuse(_ code: HQError.Code, _ message: String, label: String, context: Context) -> Response {
        context.logger.warning("refused a client", metadata: ["reason": "\(message)"])
        service.metrics.request(province: label, endpoint: "forbidden", status: 403)
        return HQResponses.problem(HQError(code, message, hint: code == .revoked
            ? "ask HQ's operators for a new certificate" : "each province syncs only its own log, with its own certificate (one SAN URI creditsync:province:<code>)"))
    }
}
