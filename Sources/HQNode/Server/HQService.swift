public import Foundation
import HQStorage
import Hummingbird
import LedgerCore
public import Logging
import NIOCore
import SyncProtocol

/// HQ's sync service: the handlers behind the routes, over HQ's storage and keys.
public struct HQService: Sendable {
    public let data: HQData
    public let metrics: HQMetrics
    public let configuration: HQConfiguration
    let events: EventRecorder
    let shutdown: ShutdownFlag
    let uploadBudget: CommitBudget
    let logger: Logger
    let now: @Sendable () -> Date

    public init(configuration: HQConfiguration, data: HQData, metrics: HQMetrics = HQMetrics(), logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.data = data
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.shutdown = ShutdownFlag()
        self.uploadBudget = CommitBudget(capacity: configuration.uploadBufferBytes)
        self.events = EventRecorder(registry: data.registry, refusalsPerMinute: configuration.refusalEventsPerMinute, metrics: metrics, logger: logger)
    }

    /// Tells running uploads to stop at their next package boundary.
    public func beginShutdown() {
        shutdown.set()
    }

    /// The enrolment of the province the request is authenticated as: read once per request,
    /// and handed to the mirror and the feed the handler uses.
    func enrolment(_ context: some ProvinceRequestContext) async throws -> Enrolment {
        guard let province = context.province else { throw HQError(.forbidden, "unauthenticated", hint: "use a province certificate") }
        guard let enrolment = try await data.registry.enrolment(province: province) else {
            throw HQError(.notEnrolled, "province \(province) is not enrolled at HQ",
                          hint: "HQ's operators enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        return enrolment
    }

    func mirror(_ enrolment: Enrolment) async throws -> MirrorService {
        try MirrorService(store: try await data.storage.mirror(province: enrolment.province), enrolment: enrolment, cosigner: data.keys.cosigner(for: enrolment.suite),
                          registry: data.registry, events: events, metrics: metrics, logger: logger)
    }

    func feedService(_ enrolment: Enrolment) async throws -> FeedService {
        FeedService(feed: try await data.feed(of: enrolment), enrolment: enrolment, registry: data.registry, cosigner: data.keys.cosigner(for: enrolment.suite))
    }

    // MARK: - Handlers

    func state(_ request: Request, context: some ProvinceRequestContext) async -> Response {
        await respond(context, endpoint: "state") {
            let enrolment = try await enrolment(context)
            var state = try await mirror(enrolment).state()
            // The feed is an addition: a province's upload never depends on it.
            do {
                let feed = try await feedService(enrolment).feed
                state.feedSize = try await feed.latestCheckpoint().size
                state.feedKey = try data.keys.feedVerifierKey(province: feed.province, suite: feed.suite.id)
            } catch {
                context.logger.error("the feed of a province cannot be read", metadata: ["error": "\(error)"])
            }
            return HQResponses.json(state)
        }
    }

    /// `GET …/feed?from=N`: HQ's feed after the province's cursor (Protocol/sync.md §7).
    func feed(_ request: Request, context: some ProvinceRequestContext) async -> Response {
        await respond(context, endpoint: "feed") {
            guard let from = request.uri.queryParameters.get("from").flatMap(LogLimits.parseSize) else {
                throw HQError(.badRequest, "feed needs the query parameter from: the province's feed cursor, a decimal size of at most \(LogLimits.maximumSize)",
                              hint: "GET …/feed?from=<size of the last feed checkpoint accepted>")
            }
            var most = FeedAPI.maximumDeliveryEntries
            if let text = request.uri.queryParameters.get("max") {
                guard let value = LogLimits.parseSize(text), (1...FeedAPI.maximumDeliveryEntries).contains(value) else {
                    throw HQError(.badRequest, "max must be a number of entries from 1 to \(FeedAPI.maximumDeliveryEntries)", hint: "leave max out for the default")
                }
                most = value
            }
            let body = try await feedService(try await enrolment(context)).delivery(from: from, maxEntries: most, now: now())
            return Response(status: .ok, headers: [.contentType: SyncAPI.ndjson], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// `POST …/feed/cosignature`: the province's cosignature of the feed checkpoint it accepted.
    func feedCosignature(_ request: Request, context: some ProvinceRequestContext) async -> Response {
        await respond(context, endpoint: "feed-cosignature") {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: 8192)
            } catch {
                throw SyncProtocolError(.tooLarge, "a feed cosignature body is at most 8192 bytes")
            }
            let submission: FeedCosignature
            do {
                submission = try JSONDecoder().decode(FeedCosignature.self, from: Data(body.readableBytesView))
            } catch {
                throw SyncProtocolError(.malformed, "the body is not a feed cosignature ({\"size\": N, \"cosignature\": \"— name base64\\n\"})")
            }
            guard submission.size <= LogLimits.maximumSize else {
                throw SyncProtocolError(.malformed, "size \(submission.size) is beyond any feed (at most \(LogLimits.maximumSize))")
            }
            let stored = try await feedService(try await enrolment(context)).acceptCosignature(submission)
            await events.record(SyncEvent(province: context.province ?? "", at: now(), kind: .feed, outcome: "cosigned", size: stored.size))
            return HQResponses.json(submission)
        }
    }

    func addCheckpoint(_ request: Request, context: some ProvinceRequestContext) async -> Response {
        await respond(context, endpoint: "checkpoint") {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: AddCheckpointRequest.maximumSize)
            } catch {
                throw SyncProtocolError(.tooLarge, "the add-checkpoint body is larger than \(AddCheckpointRequest.maximumSize) bytes")
            }
            let submission = try AddCheckpointRequest(parsing: body.readableBytesView)
            return HQResponses.json(try await mirror(try await enrolment(context)).addCheckpoint(submission, now: now()))
        }
    }

    func upload(_ request: Request, context: some ProvinceRequestContext) async -> Response {
        await respond(context, endpoint: "entries") {
            guard let start = request.uri.queryParameters.get("start").flatMap(LogLimits.parseSize),
                  let end = request.uri.queryParameters.get("end").flatMap(LogLimits.parseSize), start <= end
            else {
                throw HQError(.badRequest, "entries needs query parameters start and end: decimal sizes of at most \(LogLimits.maximumSize), start ≤ end",
                              hint: "POST …/entries?start=<next_entry>&end=<checkpoint size>")
            }
            let encoding = request.headers[.contentEncoding]?.lowercased()
            guard encoding == nil || encoding == "gzip" || encoding == "identity" else {
                throw SyncProtocolError(.badEncoding, "unsupported Content-Encoding \(encoding?.prefix(40) ?? "")")
            }
            let mirror = try await mirror(try await enrolment(context))
            let session = UploadSession(
                mirror: mirror, certificateSerial: try await context.peerIdentity(of: request)?.serial, start: start, end: end, gzip: encoding == "gzip",
                maximumBytes: configuration.maxUploadBytes, commitEntries: configuration.commitEntries, commitBytes: configuration.commitBytes,
                budget: uploadBudget,
                idleTimeout: .seconds(configuration.uploadIdleTimeoutSeconds), shutdown: shutdown,
                metrics: metrics, logger: context.logger, now: now, abortConnection: { context.abortConnection() })
            switch await session.run(body: request.body) {
            case .complete(let receipt, _):
                return HQResponses.text(receipt.line, contentType: SyncAPI.receiptContentType)
            case .partial(let info, _):
                return HQResponses.json(info, status: .accepted)
            case .failed(let error, let info):
                throw Failure(error: error, mirror: info)
            }
        }
    }

    /// An error together with where the upload stands.
    struct Failure: Error {
        var error: any Error
        var mirror: MirrorInfo?
    }

    /// Health for the operator listener: the storage answers.
    func health() async -> Response {
        do {
            _ = try await data.registry.enrolments()
            return HQResponses.text("ok\n")
        } catch {
            logger.error("health check failed", metadata: ["error": "\(error)"])
            return HQResponses.text("storage unavailable\n", status: .serviceUnavailable)
        }
    }

    func metricsExposition() async -> Response {
        let now = now()
        for enrolment in (try? await data.registry.enrolments()) ?? [] {
            let last = ((try? await data.registry.lastSync(province: enrolment.province)) ?? nil) ?? enrolment.enrolledAt
            metrics.lag(province: enrolment.province, seconds: max(0, now.timeIntervalSince(last)))
            if let mirror = try? await data.storage.mirror(province: enrolment.province), let feed = try? await data.feed(of: enrolment),
               let lag = try? await FeedLag.measure(feed: feed, mirror: mirror, now: now) {
                metrics.feed(province: enrolment.province, lag: lag)
            }
        }
        if let held = try? await data.storage.heldRisk.summary() { metrics.heldRisk(held, now: now) }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    /// Runs a handler; maps errors to problem responses, counts and logs.
    private func respond(_ context: some ProvinceRequestContext, endpoint: String, _ body: () async throws -> Response) async -> Response {
        let response: Response
        do {
            response = try await body()
        } catch {
            let (underlying, mirror) = (error as? Failure).map { ($0.error, $0.mirror) } ?? (error, nil)
            let answer = ProblemMapping.answer(for: underlying, mirror: mirror)
            if answer.isServerFault {
                context.logger.error("request failed", metadata: ["endpoint": "\(endpoint)", "error": "\(underlying)"])
            }
            response = HQResponses.problem(underlying, mirror: mirror)
        }
        metrics.request(province: context.province ?? "unidentified", endpoint: endpoint, status: Int(response.status.code))
        return response
    }
}
