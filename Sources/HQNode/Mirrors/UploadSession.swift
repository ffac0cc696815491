import Dispatch
import Foundation
import Gzip
import HQStorage
import LedgerCore
import Logging
import Mirroring
import NIOCore
import Synchronization
import SyncProtocol

/// Set when the server begins a graceful shutdown; uploads stop between packages.
public final class ShutdownFlag: Sendable {
    private let value = Atomic(false)
    public init() {}
    public func set() { value.store(true, ordering: .relaxed) }
    public var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Processes one streaming upload (`POST …/entries`) while holding the province's upload lease:
/// splits the body into lines, decodes entry packages, verifies each against the target signed
/// checkpoint, and commits verified packages in groups while the next ones are parsed. Whatever
/// happens (bad data, a dropped or silent connection, shutdown), every verified package is
/// committed, nothing unverified is, and the lease is released, so the upload resumes at HQ's
/// next entry.
struct UploadSession: Sendable {
    let mirror: MirrorService
    /// The serial of the client certificate the upload came with, checked for revocation.
    let certificateSerial: String?
    let start: UInt64
    let end: UInt64
    let gzip: Bool
    let maximumBytes: Int64
    let commitEntries: Int
    /// Canonical bytes per mirror commit: with `commitEntries`, what bounds an upload's memory
    /// (a batch waiting plus one being written).
    let commitBytes: Int
    /// What all uploads of this process may hold at once, so memory does not grow with them.
    let budget: CommitBudget
    /// An upload waiting longer than this for its province's next bytes is ended.
    let idleTimeout: Duration
    let shutdown: ShutdownFlag
    let metrics: HQMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    /// Closes the connection (how a silent upload is ended: the body stream then fails).
    let abortConnection: @Sendable () -> Void

    var province: String { mirror.province }

    enum Outcome {
        /// Every entry up to `end` is stored; HQ's receipt.
        case complete(NoteSignature, entries: Int)
        /// The body ended early, or the connection broke or went silent; verified packages were kept.
        case partial(MirrorInfo, entries: Int)
        case failed(any Error, MirrorInfo?)
    }

    func run<Body: AsyncSequence & Sendable>(body: Body) async -> Outcome where Body.Element == ByteBuffer {
        let outcome: Outcome
        do {
            outcome = try await mirror.store.withUploadLease { writer in
                await receive(body: body, writer: writer)
            }
        } catch {
            outcome = .failed(error, try? await mirror.mirrorInfo())
        }
        let at = now()
        switch outcome {
        case .complete(_, let entries):
            await mirror.events.record(SyncEvent(province: province, at: at, kind: .upload, outcome: "complete", entries: entries, size: end))
        case .partial(_, let entries):
            await mirror.events.record(SyncEvent(province: province, at: at, kind: .upload, outcome: "partial", entries: entries, size: end))
        case .failed(let error, _):
            logger.warning("upload refused", metadata: ["error": "\(error)"])
            await mirror.events.refusal(SyncEvent(province: province, at: at, kind: .upload, outcome: "failed", size: end, detail: "\(error)"))
        }
        return outcome
    }

    private func receive<Body: AsyncSequence & Sendable>(body: Body, writer: any MirrorWriter) async -> Outcome where Body.Element == ByteBuffer {
        var verifier: PackageVerifier
        do {
            verifier = try await begin(writer)
        } catch {
            return .failed(error, try? await mirror.mirrorInfo())
        }
        let watchdog = IdleWatchdog(timeout: idleTimeout, shutdown: shutdown, onTimeout: abortConnection)
        defer { watchdog.stop() }
        var splitter = LineSplitter()
        var decoder = UploadDecoder(start: start, end: end, province: province)
        let (mirror, serial) = (mirror, certificateSerial)
        var committer = Committer(writer: writer, mirror: mirror, budget: budget, now: now) {
            try await mirror.requireUnrevoked(certificate: serial)
        }
        var uncompressed: Int64 = 0
        var verifiedEntries = 0
        var failure: (any Error)?
        var interrupted = false
        let suite = mirror.store.suite
        do {
            let inflater = gzip ? try GzipDecompressor() : nil
            var iterator = body.makeAsyncIterator()
            while true {
                let next: ByteBuffer?
                do {
                    watchdog.waiting(true)
                    next = try await iterator.next()
                    watchdog.waiting(false)
                } catch {
                    // The connection broke, or went silent and was closed: keep what verified.
                    watchdog.waiting(false)
                    interrupted = true
                    logger.info("upload interrupted", metadata: ["reason": "\(watchdog.fired ? "no data for \(idleTimeout)" : "\(error)")"])
                    break
                }
                guard let buffer = next else {
                    try inflater?.finish()
                    break
                }
                metrics.received(province: province, entries: 0, bytes: buffer.readableBytes)
                var ready: [VerifiedBatch] = []
                func consume(_ bytes: UnsafeRawBufferPointer) throws {
                    uncompressed += Int64(bytes.count)
                    guard uncompressed <= maximumBytes else {
                        throw SyncProtocolError(.tooLarge, "the upload is larger than \(maximumBytes) bytes", hint: "upload in several requests (see Protocol/sync.md)")
                    }
                    try splitter.feed(bytes) { line in
                        guard let package = try decoder.consume(line) else { return }
                        do throws(MirroringError) {
                            ready.append(try verifier.verify(package, suite: suite))
                        } catch {
                            throw SyncProtocolError(error)
                        }
                    }
                }
                do {
                    try buffer.withUnsafeReadableBytes { raw in
                        if let inflater {
                            try inflater.decompress(raw) { piece in try piece.withUnsafeBytes { try consume($0) } }
                        } else {
                            try consume(raw)
                        }
                    }
                } catch {
                    // Keep the packages verified before the bad one.
                    for batch in ready { try await committer.add(batch, entries: commitEntries, bytes: commitBytes) }
                    throw error
                }
                for batch in ready {
                    verifiedEntries += batch.entries.count
                    try await committer.add(batch, entries: commitEntries, bytes: commitBytes)
                }
                if shutdown.isSet {
                    throw HQError(.shuttingDown, "HQ is shutting down; the verified part of the upload is stored", hint: "retry after HQ restarts")
                }
            }
        } catch {
            failure = error
        }
        do {
            try await committer.finish()
        } catch {
            failure = failure ?? error
        }
        metrics.received(province: province, entries: verifiedEntries, bytes: 0)
        if let failure {
            switch failure {
            case let error as SyncProtocolError:
                metrics.verifyFailure(province: province, kind: error.codeValue == .proofInvalid ? "proof" : "malformed")
            case is GzipError:
                metrics.verifyFailure(province: province, kind: "gzip")
            default:
                break
            }
            return .failed(failure, try? await mirror.mirrorInfo())
        }
        guard !interrupted, decoder.isComplete, splitter.pendingBytes == 0 else {
            if !interrupted && verifiedEntries == 0 && start < end {
                return .failed(SyncProtocolError(.malformed, "the body ended before the first complete package (expected entries from \(decoder.nextIndex))"),
                               try? await mirror.mirrorInfo())
            }
            return .partial((try? await mirror.mirrorInfo()) ?? MirrorInfo(pendingSize: end, nextEntry: decoder.nextIndex), entries: verifiedEntries)
        }
        do {
            try await mirror.requireUnrevoked(certificate: certificateSerial)
            return .complete(try await mirror.receipt(size: end, now: now()), entries: verifiedEntries)
        } catch {
            return .failed(error, try? await mirror.mirrorInfo())
        }
    }

    /// Checks the upload against the mirror: `end` is a checkpoint HQ holds, `start` its next
    /// entry. Returns a verifier seeded with the stored tree's right edge.
    private func begin(_ writer: any MirrorWriter) async throws -> PackageVerifier {
        let state = try await writer.start(end: end)
        let info = MirrorInfo(pendingSize: state.pendingSize, nextEntry: state.nextEntry)
        guard let target = state.target, end >= state.nextEntry else {
            throw HQError(.conflict, "HQ holds no signed checkpoint of size \(end) ahead of its next entry \(state.nextEntry)",
                          hint: "submit the checkpoint first (POST …/checkpoint), then upload up to its size", mirror: info)
        }
        guard start == state.nextEntry else {
            throw HQError(.conflict, "the upload starts at \(start), HQ's next entry is \(state.nextEntry)", hint: "resume from next_entry", mirror: info)
        }
        return PackageVerifier(frontier: state.frontier, target: try target.checkpoint, hasher: mirror.hasher)
    }
}

/// Groups verified packages into commits of about `entries` entries or `bytes` bytes, one commit in flight
/// while the next group is parsed and verified. What a commit finds (a change_id the log
/// repeats, a seen checkpoint the entries contradict) becomes an alarm or fork evidence.
private struct Committer {
    let writer: any MirrorWriter
    let mirror: MirrorService
    let budget: CommitBudget
    let now: @Sendable () -> Date
    /// Asked before each commit; throws to stop the upload (a revocation).
    let mayCommit: @Sendable () async throws -> Void
    private var pending: VerifiedBatch?
    /// Bytes of `pending`, taken from the budget.
    private var pendingBytes = 0
    private var inFlight: Task<Void, any Error>?

    init(writer: any MirrorWriter, mirror: MirrorService, budget: CommitBudget, now: @escaping @Sendable () -> Date,
         mayCommit: @escaping @Sendable () async throws -> Void) {
        self.writer = writer
        self.mirror = mirror
        self.budget = budget
        self.now = now
        self.mayCommit = mayCommit
    }

    mutating func add(_ batch: VerifiedBatch, entries: Int, bytes: Int) async throws {
        let size = batch.entries.reduce(0) { $0 + $1.record.canonicalBytes.count }
        if !(await budget.tryAcquire(size)) {
            // The budget is spent by other uploads: commit what this one holds, then wait.
            mirror.metrics.uploadBudgetWait(province: mirror.province)
            try await flush()
            try await inFlight?.value
            await budget.acquire(size)
        }
        if pending == nil { pending = batch } else { pending!.append(batch) }
        pendingBytes += size
        if pending!.entries.count >= entries || pendingBytes >= bytes { try await flush() }
    }

    mutating func flush() async throws {
        guard let batch = pending, !batch.isEmpty else { return }
        let (held, budget) = (pendingBytes, budget)
        pending = nil
        pendingBytes = 0
        do {
            try await inFlight?.value
            try await mayCommit()
        } catch {
            await budget.release(held)
            throw error
        }
        let (writer, mirror, now) = (writer, mirror, now)
        inFlight = Task {
            let outcome: AppendOutcome
            do {
                outcome = try await writer.append(batch, now: now())
            } catch {
                await budget.release(held)
                throw error
            }
            await budget.release(held)
            try await Self.report(outcome, mirror: mirror, at: now())
        }
    }

    mutating func finish() async throws {
        defer { inFlight = nil }
        do {
            try await flush()
        } catch {
            try? await inFlight?.value
            throw error
        }
        try await inFlight?.value
    }

    static func report(_ outcome: AppendOutcome, mirror: MirrorService, at time: Date) async throws {
        if let first = outcome.duplicates.first {
            mirror.logger.error("the province's signed log repeats change ids", metadata: ["count": "\(outcome.duplicates.count)", "first": "\(first.changeID)"])
            try await mirror.registry.raiseAlarm(Alarm(
                province: mirror.province, raisedAt: time, kind: "duplicate-change",
                message: "\(outcome.duplicates.count) entries repeat an earlier change_id, first entry \(first.index) (\(first.changeID), first at \(first.firstIndex))"))
        }
        for seen in outcome.contradicted {
            try await mirror.registry.recordFork(ForkEvidence(
                province: mirror.province, detectedAt: time,
                reason: "the signed root HQ saw for tree size \(seen.size) differs from the root of the entries now stored",
                heldCheckpoint: nil, submittedCheckpoint: seen.note, proof: nil))
            mirror.metrics.fork(province: mirror.province)
            mirror.logger.error("FORK: a checkpoint HQ saw earlier contradicts the stored entries", metadata: ["size": "\(seen.size)"])
        }
    }
}

/// Ends an upload whose province has gone silent, or that waits while HQ shuts down: while the
/// session waits for body bytes, a timer runs; past `timeout` (or at once once shutdown has
/// begun) it closes the connection, so the wait fails and the session commits what it verified
/// and releases the province. Time spent committing is not counted.
final class IdleWatchdog: Sendable {
    private final class State: Sendable {
        /// Uptime in nanoseconds when the wait began; 0 while not waiting.
        let waitingSince = Atomic<UInt64>(0)
        let fired = Atomic(false)
    }

    private let state = State()
    private let task: Task<Void, Never>

    init(timeout: Duration, shutdown: ShutdownFlag, onTimeout: @escaping @Sendable () -> Void) {
        let state = state
        let limit = UInt64(timeout.components.seconds) * 1_000_000_000 + UInt64(timeout.components.attoseconds / 1_000_000_000)
        let tick = min(timeout, .milliseconds(250))
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                let since = state.waitingSince.load(ordering: .acquiring)
                if since != 0, shutdown.isSet || DispatchTime.now().uptimeNanoseconds - since >= limit {
                    state.fired.store(true, ordering: .releasing)
                    onTimeout()
                    return
                }
            }
        }
    }

    var fired: Bool { state.fired.load(ordering: .acquiring) }

    func waiting(_ isWaiting: Bool) {
        state.waitingSince.store(isWaiting ? max(1, DispatchTime.now().uptimeNanoseconds) : 0, ordering: .releasing)
    }

    func stop() { task.cancel() }
}
