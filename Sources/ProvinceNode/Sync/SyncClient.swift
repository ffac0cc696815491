import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerStore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import SyncProtocol

/// The province side of the daily sync (Protocol/sync.md): ask HQ what it has, submit the new
/// signed checkpoint with a consistency proof, stream the missing entries, verify and store HQ's
/// receipt. Every step is resumable and idempotent; an interrupted upload resumes from HQ's next
/// entry.
public struct SyncClient: Sendable {
    public let configuration: SyncConfiguration
    let logger: Logger
    /// Fault injection for tests: cut the first upload after this many bytes.
    public var interruptFirstUploadAfterBytes: Int?

    public init(configuration: SyncConfiguration, logger: Logger = Logger(label: "creditsync.province.sync")) {
        self.configuration = configuration
        self.logger = logger
    }

    public struct Summary: Sendable, Equatable {
        /// Entries this run sent and HQ stored.
        public var uploaded: UInt64
        /// The ledger size HQ now holds and has receipted.
        public var size: UInt64
        public var root: Hash
        /// The receipt (HQ's cosignature) and its time.
        public var receipt: NoteSignature
        public var receiptTime: UInt64
        public var requests: Int
    }

    public enum Progress: Sendable {
        case state(hqSize: UInt64, localSize: UInt64)
        case uploading(sent: UInt64, of: UInt64)
    }

    /// Syncs `store` (a province ledger) to HQ.
    public func sync(_ store: LedgerStore, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        guard store.metadata.role == .province else {
            throw ProvinceNodeError(.configuration, "\(store.path) is not a province ledger", hint: "sync the province's own ledger directory")
        }
        guard let local = try store.latestCheckpoint() else {
            throw ProvinceNodeError(.noLedger, "the ledger has no checkpoint", hint: "append records first")
        }
        let hqVerifier = try CosignatureVerifier(verifierKey: try VerifierKey(parsing: configuration.hqKey))
        let client = try makeClient()
        do {
            let summary = try await run(store: store, local: local, hqVerifier: hqVerifier, client: client, progress: progress)
            try await client.shutdown()
            return summary
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(store: LedgerStore, local: VerifiedCheckpoint, hqVerifier: CosignatureVerifier, client: HTTPClient,
                     progress: @escaping @Sendable (Progress) -> Void) async throws -> Summary {
        let province = store.metadata.province
        var requests = 0
        var uploaded: UInt64 = 0
        var interrupt = interruptFirstUploadAfterBytes
        var attempts = 0

        func retryOrGiveUp(_ why: String) async throws {
            attempts += 1
            guard attempts <= configuration.retries else {
                throw ProvinceNodeError(.unreachable, "gave up after \(configuration.retries) retries: \(why)", hint: "run the sync again later; it resumes where HQ stopped")
            }
            logger.info("retrying", metadata: ["reason": "\(why)", "attempt": "\(attempts)"])
            try await Task.sleep(for: .milliseconds(200 * (1 << min(attempts, 6))))
        }

        while true {
            // 1. What HQ has.
            requests += 1
            let state = try await fetchState(client: client, province: province)
            try checkState(state, store: store, hqVerifier: hqVerifier)
            progress(.state(hqSize: state.size, localSize: local.size))
            guard state.pendingSize <= local.size else {
                throw ProvinceNodeError(.refused, "HQ holds a signed checkpoint of size \(state.pendingSize) but this ledger has only \(local.size) entries",
                                        hint: "this ledger is older than what it already sent to HQ (restored from a backup?); restore the latest copy")
            }
            // The receipt may already be there (an earlier run's response was lost).
            if state.size == local.size, let text = state.checkpoint, let receipt = try receipt(in: text, for: local, hqVerifier: hqVerifier) {
                try await store.storeReceipt(size: local.size, signature: receipt.signature, time: receipt.time)
                return Summary(uploaded: uploaded, size: local.size, root: local.root, receipt: receipt.signature, receiptTime: receipt.time, requests: requests)
            }
            // 2. The new checkpoint, proven to extend HQ's.
            if state.pendingSize < local.size {
                requests += 1
                let proof = try store.consistencyProof(from: state.pendingSize, to: local.size)
                let submission = AddCheckpointRequest(oldSize: state.pendingSize, proof: proof.hashes, checkpoint: local.text)
                let (status, body) = try await send(client: client, path: SyncAPI.checkpointPath(province), method: .POST,
                                                    contentType: "text/plain; charset=utf-8", body: .bytes(ByteBuffer(string: submission.body)))
                switch status {
                case 200: break
                case 409 where problem(body)?.code == "hq.conflict":
                    try await retryOrGiveUp("HQ's checkpoint changed meanwhile")
                    continue
                default: throw failure(status: status, body: body, step: "submitting the checkpoint")
                }
            }
            // 3. The missing entries, streamed; a 202 means HQ kept part and we continue.
            var next = state.nextEntry
            while true {
                requests += 1
                let start = next
                let upload = UploadBody(store: store, start: start, end: local.size, gzip: configuration.gzip, interruptAfterBytes: interrupt,
                                        progress: { sent in progress(.uploading(sent: sent, of: local.size)) })
                interrupt = nil
                let (status, body): (Int, ByteBuffer)
                do {
                    (status, body) = try await send(client: client, path: SyncAPI.entriesPath(province) + "?start=\(start)&end=\(local.size)", method: .POST,
                                                    contentType: SyncAPI.ndjson, gzip: configuration.gzip, body: .stream(upload, length: .unknown))
                } catch let error as ProvinceNodeError where error.codeValue == .unreachable {
                    // The connection broke mid-upload: ask HQ where it stands and resume.
                    try await retryOrGiveUp(error.message)
                    requests += 1
                    next = try await fetchState(client: client, province: province).nextEntry
                    continue
                }
                switch status {
                case 200:
                    let receipt = try verifyReceipt(String(buffer: body), for: local, hqVerifier: hqVerifier)
                    try await store.storeReceipt(size: local.size, signature: receipt.signature, time: receipt.time)
                    uploaded += local.size - start
                    return Summary(uploaded: uploaded, size: local.size, root: local.root, receipt: receipt.signature, receiptTime: receipt.time, requests: requests)
                case 202:
                    let info = try JSONDecoder().decode(MirrorInfo.self, from: Data(body.readableBytesView))
                    guard info.nextEntry > start else { throw failure(status: status, body: body, step: "uploading") }
                    uploaded += info.nextEntry - start
                    next = info.nextEntry
                case 409:
                    let info = problem(body)
                    guard info?.code == "hq.conflict" || info?.code == "hq.upload-in-progress" else {
                        throw failure(status: status, body: body, step: "uploading")
                    }
                    try await retryOrGiveUp(info?.message ?? "conflict")
                    if let nextEntry = info?.nextEntry, info?.pendingSize == local.size {
                        next = nextEntry
                    } else {
                        break
                    }
                    continue
                default:
                    throw failure(status: status, body: body, step: "uploading")
                }
                if next >= local.size { break }
            }
            if next < local.size { continue }
        }
    }

    // MARK: - Steps

    func fetchState(client: HTTPClient, province: String) async throws -> LogState {
        let (status, body) = try await send(client: client, path: SyncAPI.statePath(province), method: .GET, contentType: nil, body: nil)
        guard status == 200 else { throw failure(status: status, body: body, step: "asking HQ for its state") }
        do {
            return try JSONDecoder().decode(LogState.self, from: Data(body.readableBytesView))
        } catch {
            throw ProvinceNodeError(.protocolViolation, "HQ's state is not a LogState: \(error)", hint: "check that hq_url points at a CreditSync HQ of protocol version 1")
        }
    }

    /// HQ's view must be of this very log and, where it overlaps ours, identical to it.
    func checkState(_ state: LogState, store: LedgerStore, hqVerifier: CosignatureVerifier) throws {
        guard state.province == store.metadata.province, state.origin == store.metadata.origin, state.suite == store.suite.id.rawValue else {
            throw ProvinceNodeError(.refused, "HQ describes log \(state.origin) (\(state.province), \(state.suite)), not this ledger's \(store.metadata.origin)",
                                    hint: "HQ enrolled another key for this province; compare `creditsync province key` with HQ's enrolment")
        }
        guard state.hqCosigner == configuration.hqKey else {
            throw ProvinceNodeError(.refused, "HQ presents cosigner key \(state.hqCosigner), the configuration trusts \(configuration.hqKey)",
                                    hint: "check hq_key against HQ's cosigner.pub; do not sync with an unknown HQ")
        }
        if let text = state.checkpoint {
            let held: VerifiedCheckpoint
            do {
                held = try UnverifiedCheckpoint(parsing: text).verify(logKey: store.logVerifier, suite: store.suite.id)
            } catch {
                throw ProvinceNodeError(.refused, "HQ's copy of this log's checkpoint does not verify with this ledger's key: \(error)",
                                        hint: "report to HQ: its mirror does not hold checkpoints of this ledger")
            }
            guard held.size <= (try store.size()), try store.root(size: held.size) == held.root else {
                throw ProvinceNodeError(.refused, "FORK: HQ holds a checkpoint of size \(held.size) signed by this ledger's key that this ledger does not contain",
                                        hint: "this ledger was rewritten or its key was used elsewhere; keep both copies as evidence and contact HQ")
            }
        }
    }

    func receipt(in text: String, for local: VerifiedCheckpoint, hqVerifier: CosignatureVerifier) throws -> (signature: NoteSignature, time: UInt64)? {
        guard let note = try? SignedNote.parse(text), note.text == local.note.text else { return nil }
        let candidates = note.signatures.filter { $0.name == hqVerifier.name && $0.keyID == hqVerifier.keyID }
        guard !candidates.isEmpty else { return nil }
        let block = candidates.map(\.line).joined()
        return try verifyReceipt(block, for: local, hqVerifier: hqVerifier)
    }

    /// Checks HQ's cosignature lines over the local checkpoint; returns the receipt.
    func verifyReceipt(_ block: String, for local: VerifiedCheckpoint, hqVerifier: CosignatureVerifier) throws -> (signature: NoteSignature, time: UInt64) {
        do {
            let lines = try SignedNote.parseSignatureLines(block)
            let verified = try SignedNote(text: local.note.text, signatures: lines).verify([hqVerifier])
            let signature = verified[0]
            return (signature, CosignatureVerifier.timestamp(of: signature.signature) ?? 0)
        } catch {
            throw ProvinceNodeError(.receiptInvalid, "HQ's receipt for size \(local.size) does not verify with the configured HQ key: \(error)",
                                    hint: "check hq_key; the sync is not confirmed until a valid receipt is stored")
        }
    }

    // MARK: - HTTP

    func makeClient() throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(configuration.cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: configuration.key, format: .pem))
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(configuration.ca))
        } catch {
            throw ProvinceNodeError(.configuration, "cannot load the TLS files (cert \(configuration.cert), key \(configuration.key), ca \(configuration.ca)): \(error)",
                                    hint: "point cert, key and ca at PEM files; see ops/pki.md")
        }
        var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: tls)
        clientConfiguration.timeout = .init(connect: .seconds(15), read: .seconds(Int64(configuration.timeoutSeconds)))
        clientConfiguration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    func send(client: HTTPClient, path: String, method: HTTPMethod, contentType: String?, gzip: Bool = false,
              body: HTTPClientRequest.Body?) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: configuration.hqURL + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "creditsync-province/1")
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        request.body = body
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(configuration.timeoutSeconds)))
            let data = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), data)
        } catch let error as UploadBody.Interrupted {
            throw ProvinceNodeError(.unreachable, "\(error)", hint: "the sync resumes where HQ stopped")
        } catch let error as NIOSSLError {
            throw ProvinceNodeError(.refused, "TLS with HQ failed: \(error)", hint: "check that cert and key are this province's and ca is HQ's CA")
        } catch let error as BoringSSLError {
            throw ProvinceNodeError(.refused, "TLS with HQ failed: \(error)", hint: "check that cert and key are this province's and ca is HQ's CA")
        } catch {
            throw ProvinceNodeError(.unreachable, "cannot reach HQ at \(configuration.hqURL): \(error)", hint: "check the network and hq_url; the sync resumes where it stopped")
        }
    }

    func problem(_ body: ByteBuffer) -> Problem? {
        try? JSONDecoder().decode(Problem.self, from: Data(body.readableBytesView))
    }

    func failure(status: Int, body: ByteBuffer, step: String) -> ProvinceNodeError {
        let detail = problem(body)
        let message = "HQ answered \(status) while \(step): \(detail?.message ?? String(buffer: body).prefix(200).description)"
        let hint = detail?.hint ?? "see Protocol/sync.md"
        if status == 503 || status >= 500 {
            return ProvinceNodeError(.unreachable, message, hint: hint)
        }
        return ProvinceNodeError(.refused, message, hint: hint)
    }
}

extension SyncClient {
    /// The client with this configuration's TLS settings, for tests that speak the protocol by hand.
    public func makeClientForTests() throws -> HTTPClient { try makeClient() }
}

extension SyncClient {
    /// Step 1 alone: what HQ has of `province`'s log.
    public func logState(province: String) async throws -> LogState {
        let client = try makeClient()
        do {
            let state = try await fetchState(client: client, province: province)
            try await client.shutdown()
            return state
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Step 2 alone: submit a signed checkpoint with a consistency proof from HQ's latest.
    public func addCheckpoint(_ submission: AddCheckpointRequest, province: String) async throws -> MirrorInfo {
        let client = try makeClient()
        do {
            let (status, body) = try await send(client: client, path: SyncAPI.checkpointPath(province), method: .POST,
                                                contentType: "text/plain; charset=utf-8", body: .bytes(ByteBuffer(string: submission.body)))
            guard status == 200 else { throw failure(status: status, body: body, step: "submitting the checkpoint") }
            try await client.shutdown()
            return try JSONDecoder().decode(MirrorInfo.self, from: Data(body.readableBytesView))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
