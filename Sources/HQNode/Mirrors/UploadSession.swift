import Foundation
import Gzip
import LedgerCore
import LedgerStore
import Logging
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

/// Processes one streaming upload (`POST …/entries`): splits the body into lines, decodes entry
/// packages, verifies each against the target signed checkpoint, and commits verified packages
/// in groups while the next ones are parsed. Whatever happens, every verified package is
/// committed and nothing unverified is, so an interrupted upload resumes at HQ's next entry.
struct UploadSession {
    let mirror: MirrorService
    let province: String
    let start: UInt64
    let end: UInt64
    let gzip: Bool
    let maximumBytes: Int64
    let commitEntries: Int
    let shutdown: ShutdownFlag
    let metrics: HQMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    let suite: Suite

    enum Outcome {
        /// Every entry up to `end` is stored; HQ's receipt.
        case complete(NoteSignature, entries: Int)
        /// The body ended early; verified packages were kept.
        case partial(MirrorInfo, entries: Int)
        case failed(any Error, MirrorInfo?)
    }

    func run<Body: AsyncSequence>(body: Body) async -> Outcome where Body.Element == ByteBuffer {
        var verifier: PackageVerifier
        do {
            verifier = try await mirror.beginUpload(start: start, end: end)
        } catch {
            return .failed(error, try? await mirror.mirrorInfo())
        }
        let outcome = await receive(body: body, verifier: &verifier)
        await mirror.endUpload()
        let (kind, entries): (String, Int) = switch outcome {
        case .complete(_, let entries): ("complete", entries)
        case .partial(_, let entries): ("partial", entries)
        case .failed: ("failed", 0)
        }
        if case .failed(let error, _) = outcome {
            logger.warning("upload refused", metadata: ["province": "\(province)", "error": "\(error)"])
        }
        try? await mirror.registry.recordEvent(province: province, kind: .upload, outcome: kind, entries: entries, size: end, at: now())
        return outcome
    }

    private func receive<Body: AsyncSequence>(body: Body, verifier: inout PackageVerifier) async -> Outcome where Body.Element == ByteBuffer {
        var splitter = LineSplitter()
        var decoder = UploadDecoder(start: start, end: end, province: province)
        var committer = Committer(mirror: mirror)
        var uncompressed: Int64 = 0
        var verifiedEntries = 0
        var failure: (any Error)?
        do {
            let inflater = gzip ? try GzipDecompressor() : nil
            for try await buffer in body {
                metrics.received(province: province, entries: 0, bytes: buffer.readableBytes)
                var ready: [(entries: [PreparedEntry], root: Hash)] = []
                func consume(_ bytes: UnsafeRawBufferPointer) throws {
                    uncompressed += Int64(bytes.count)
                    guard uncompressed <= maximumBytes else {
                        throw SyncProtocolError(.tooLarge, "the upload is larger than \(maximumBytes) bytes", hint: "upload in several requests (see Protocol/sync.md)")
                    }
                    try splitter.feed(bytes) { line in
                        guard let package = try decoder.consume(line) else { return }
                        let entries = package.records.map { PreparedEntry($0, suite: suite) }
                        let root = try verifier.verify(package, leafHashes: entries.map(\.leafHash))
                        ready.append((entries, root))
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
                    for package in ready { try await committer.add(package.entries, root: package.root, threshold: commitEntries) }
                    throw error
                }
                for package in ready {
                    verifiedEntries += package.entries.count
                    try await committer.add(package.entries, root: package.root, threshold: commitEntries)
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
        guard decoder.isComplete, splitter.pendingBytes == 0 else {
            if verifiedEntries == 0 {
                return .failed(SyncProtocolError(.malformed, "the body ended before the first complete package (expected entries from \(decoder.nextIndex))"),
                               try? await mirror.mirrorInfo())
            }
            return .partial((try? await mirror.mirrorInfo()) ?? MirrorInfo(pendingSize: end, nextEntry: decoder.nextIndex), entries: verifiedEntries)
        }
        do {
            return .complete(try await mirror.receipt(size: end, now: now()), entries: verifiedEntries)
        } catch {
            return .failed(error, try? await mirror.mirrorInfo())
        }
    }
}

/// Groups verified packages into commits of about `threshold` entries, one commit in flight
/// while the next group is parsed and verified.
private struct Committer {
    let mirror: MirrorService
    private var records: [PreparedEntry] = []
    private var root: Hash?
    private var inFlight: Task<Void, any Error>?

    init(mirror: MirrorService) {
        self.mirror = mirror
    }

    mutating func add(_ package: [PreparedEntry], root: Hash, threshold: Int) async throws {
        records.append(contentsOf: package)
        self.root = root
        if records.count >= threshold { try await flush() }
    }

    mutating func flush() async throws {
        guard let root, !records.isEmpty else { return }
        let batch = records
        records = []
        self.root = nil
        try await inFlight?.value
        let mirror = self.mirror
        inFlight = Task { try await mirror.commit(batch, root: root) }
    }

    mutating func finish() async throws {
        try await flush()
        try await inFlight?.value
        inFlight = nil
    }
}
