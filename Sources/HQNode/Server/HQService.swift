import Foundation
import Hummingbird
import LedgerCore
import LedgerStore
import Logging
import NIOCore
import SyncProtocol

/// HQ's sync service: the handlers behind the routes, over the data directory.
public struct HQService: Sendable {
    public let data: HQDataDirectory
    public let metrics: HQMetrics
    public let configuration: HQConfiguration
    let mirrors: MirrorDirectory
    let shutdown: ShutdownFlag
    let logger: Logger
    let now: @Sendable () -> Date

    public init(configuration: HQConfiguration, metrics: HQMetrics = HQMetrics(), logger: Logger, now: @escaping @Sendable () -> Date = Date.init) throws {
        self.configuration = configuration
        self.data = try HQDataDirectory.open(at: URL(fileURLWithPath: configuration.data))
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.shutdown = ShutdownFlag()
        self.mirrors = MirrorDirectory(data: data, metrics: metrics, logger: logger)
    }

    /// Tells running uploads to stop at their next package boundary.
    public func beginShutdown() {
        shutdown.set()
    }

    func mirror(_ context: HQRequestContext) async throws -> MirrorService {
        guard let province = context.province else { throw HQError(.forbidden, "unauthenticated", hint: "use a province certificate") }
        return try await mirrors.mirror(province: province)
    }

    // MARK: - Handlers

    func state(_ request: Request, context: HQRequestContext) async -> Response {
        await respond(context, endpoint: "state") {
            HQResponses.json(try await mirror(context).state())
        }
    }

    func addCheckpoint(_ request: Request, context: HQRequestContext) async -> Response {
        await respond(context, endpoint: "checkpoint") {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: AddCheckpointRequest.maximumSize)
            } catch {
                throw SyncProtocolError(.tooLarge, "the add-checkpoint body is larger than \(AddCheckpointRequest.maximumSize) bytes")
            }
            let submission = try AddCheckpointRequest(parsing: String(decoding: body.readableBytesView, as: UTF8.self))
            return HQResponses.json(try await mirror(context).addCheckpoint(submission, now: now()))
        }
    }

    func upload(_ request: Request, context: HQRequestContext) async -> Response {
        await respond(context, endpoint: "entries") {
            guard let start = request.uri.queryParameters.get("start", as: UInt64.self),
                  let end = request.uri.queryParameters.get("end", as: UInt64.self), start <= end
            else {
                throw HQError(.badRequest, "entries needs query parameters start and end with start ≤ end", hint: "POST …/entries?start=<next_entry>&end=<checkpoint size>")
            }
            let encoding = request.headers[.contentEncoding]?.lowercased()
            guard encoding == nil || encoding == "gzip" || encoding == "identity" else {
                throw HQError(.badRequest, "unsupported Content-Encoding \(encoding ?? "")", hint: "send the body plain or with Content-Encoding: gzip")
            }
            let mirror = try await mirror(context)
            let session = UploadSession(
                mirror: mirror, province: context.province!, start: start, end: end, gzip: encoding == "gzip",
                maximumBytes: configuration.maxUploadBytes, commitEntries: configuration.commitEntries, shutdown: shutdown,
                metrics: metrics, logger: context.logger, now: now, suite: mirror.store.suite)
            switch await session.run(body: request.body) {
            case .complete(let receipt, _):
                return HQResponses.text(receipt.line, contentType: SyncAPI.receiptContentType)
            case .partial(let info, _):
                return HQResponses.json(info, status: .accepted)
            case .failed(let error, let info):
                return HQResponses.problem(error, mirror: info)
            }
        }
    }

    func metricsExposition(_ request: Request, context: HQRequestContext) async -> Response {
        let now = now()
        for enrolment in (try? data.registry.enrolments()) ?? [] {
            let last = ((try? data.registry.lastSync(province: enrolment.province)) ?? nil) ?? enrolment.enrolledAt
            metrics.lag(province: enrolment.province, seconds: max(0, now.timeIntervalSince(last)))
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    /// Runs a handler; maps errors to problem responses, counts and logs.
    private func respond(_ context: HQRequestContext, endpoint: String, _ body: () async throws -> Response) async -> Response {
        let response: Response
        do {
            response = try await body()
        } catch {
            if !(error is HQError) && !(error is SyncProtocolError) {
                context.logger.error("request failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            }
            response = HQResponses.problem(error)
        }
        metrics.request(province: context.province ?? "?", endpoint: endpoint, status: Int(response.status.code))
        return response
    }
}
