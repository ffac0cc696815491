import Hummingbird
import Logging

/// Maps the client certificate to exactly one province and refuses (403, logged) any request
/// about another province's log.
struct ProvinceAuthentication: RouterMiddleware {
    typealias Context = HQRequestContext
    let metrics: HQMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requested = context.parameters.get("province") ?? "?"
        let certified = try await context.certificateProvince()
        guard let certified, certified == requested else {
            context.logger.warning("refused a request for another province's log",
                                   metadata: ["certificate.province": "\(certified ?? "none")", "requested.province": "\(requested)", "path": "\(request.uri.path)"])
            metrics.request(province: requested, endpoint: "forbidden", status: 403)
            let error = HQError(.forbidden, certified.map { "the client certificate is for province \($0), not \(requested)" }
                                ?? "the client certificate names no province (SAN URI creditsync:province:<code>)",
                                hint: "each province syncs only its own log, with its own certificate")
            return HQResponses.problem(error)
        }
        var context = context
        context.province = certified
        context.logger[metadataKey: "province"] = "\(certified)"
        return try await next(request, context)
    }
}
