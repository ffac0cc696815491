public import AsyncHTTPClient
import Foundation
public import Gzip
public import LedgerCore
public import LedgerStore
public import Logging
import NationalCrypto
import NIOCore
import NIOHTTP1
import NIOSSL
public import SyncProtocol

/// The province side of the daily sync (Protocol/sync.md): ask HQ what it has, submit the new
/// signed checkpoint with a consistency proof, stream the missing entries, verify and store HQ's
/// receipt. Every step is resumable and idempotent; an interrupted upload resumes from HQ's next
/// entry.
public struct SyncClient: Sendable {
    public let configuration: SyncConfiguration
    let logger: Logger
    /// Fault injection for tests: cut the first upload after this many bytes.
    public var interruptFirstUploadAfterBytes: Int?
    /// Most feed entries to ask for per delivery (`max`; HQ's default and limit is 4096).
    public var feedDeliveryEntries: UInt64?
    /// Makes the gzip compressor of an upload; when it fails the upload goes plain, without a
    /// `Content-Encoding` header. Replaceable for tests.
    public var makeGzip: @Sendable () throws -> GzipCompressor = { try GzipCompressor() }

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

    /// Syncs `store` (a province ledger) to HQ: the steps `ProvinceSyncMachine` decides, each
    /// performed here and its checked result fed back.
    public func sync(_ store: LedgerStore, progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        guard let local = try await store.latestCheckpoint() else {
            throw ProvinceNodeError(.noLedger, "the ledger has no checkpoint", hint: "append records first")
        }
        let hqVerifier = try Cosignatures.verifier(forKey: configuration.hqKey)
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

    private func run(store: LedgerStore, local: VerifiedCheckpoint, hqVerifier: any NoteVerifier, client: HTTPClient,
                     progress: @escaping @Sendable (Progress) -> Void) async throws -> Summary {
        let province = store.metadata.province
        var machine = ProvinceSyncMachine(localSize: local.size, retries: configuration.retries)
        var action = machine.start()
        var requests = 0
        var uploaded: UInt64 = 0
        var interrupt = interruptFirstUploadAfterBytes
        var receipt: (signature: NoteSignature, time: UInt64)?
        while true {
            let event: ProvinceSyncMachine.Event
            switch action {
            case .fetchState(let attempt):
                if attempt > 0 {
                    logger.info("retrying", metadata: ["attempt": "\(attempt)"])
                    try await Task.sleep(for: .milliseconds(200 * (1 << min(attempt, 6))))
                }
                requests += 1
                do {
                    let state = try await fetchState(client: client, province: province)
                    try await checkState(state, store: store, hqVerifier: hqVerifier)
                    progress(.state(hqSize: state.size, localSize: local.size))
                    // The receipt may already be there (an earlier run's response was lost).
                    receipt = state.size == local.size ? try state.checkpoint.flatMap { try self.receipt(in: $0, for: local, hqVerifier: hqVerifier) } : nil
                    event = .state(pendingSize: state.pendingSize, nextEntry: state.nextEntry, receiptForLocal: receipt != nil)
                } catch let answer as Answer {
                    event = answer.event
                }
            case .submitCheckpoint(let oldSize):
                requests += 1
                let proof = try await store.consistencyProof(from: oldSize, to: local.size)
                let submission = AddCheckpointRequest(oldSize: oldSize, proof: proof.hashes, checkpoint: local.text)
                do {
                    let info: MirrorInfo = try await exchange(client: client, path: SyncAPI.checkpointPath(province), method: .POST,
                                                              contentType: "text/plain; charset=utf-8", body: .bytes(ByteBuffer(string: submission.body)),
                                                              expecting: 200)
                    event = .checkpointAccepted(nextEntry: info.nextEntry)
                } catch let answer as Answer {
                    event = answer.event
                }
            case .upload(let start):
                requests += 1
                let compressor = configuration.gzip ? makeCompressor() : nil
                let body = UploadBody(store: store, start: start, end: local.size, compressor: compressor, interruptAfterBytes: interrupt,
                                      progress: { sent in progress(.uploading(sent: sent, of: local.size)) })
                interrupt = nil
                let response: (Int, ByteBuffer)
                do {
                    response = try await send(client: client, path: SyncAPI.entriesPath(province) + "?start=\(start)&end=\(local.size)", method: .POST,
                                              contentType: SyncAPI.ndjson, gzip: compressor != nil, body: .stream(body, length: .unknown))
                } catch let answer as Answer {
                    action = machine.handle(answer.event)
                    continue
                }
                switch response.0 {
                case 200:
                    receipt = try verifyReceipt(String(buffer: response.1), for: local, hqVerifier: hqVerifier)
                    uploaded += local.size - start
                    event = .uploadComplete
                case 202:
                    guard let info = try? JSONDecoder().decode(MirrorInfo.self, from: Data(response.1.readableBytesView)) else {
                        throw ProvinceNodeError(.protocolViolation, "HQ answered 202 without a MirrorInfo body", hint: "check that hq_url points at a CreditSync HQ")
                    }
                    if info.nextEntry > start { uploaded += info.nextEntry - start }
                    event = .uploadPartial(nextEntry: info.nextEntry)
                default:
                    event = Answer(status: response.0, body: response.1).event
                }
            case .finish:
                guard let receipt else {
                    throw ProvinceNodeError(.protocolViolation, "the sync finished without a receipt", hint: "report this as a bug")
                }
                try await store.storeReceipt(size: local.size, signature: receipt.signature, time: receipt.time)
                return Summary(uploaded: uploaded, size: local.size, root: local.root, receipt: receipt.signature, receiptTime: receipt.time, requests: requests)
            case .fail(let failure):
                throw error(for: failure)
            }
            action = machine.handle(event)
        }
    }

    /// An answer that is not the one a step expects, or no answer at all.
    struct Answer: Error {
        var status: Int
        var body: ByteBuffer
        var transport: String?

        init(status: Int, body: ByteBuffer) {
            self.status = status
            self.body = body
        }

        init(transport: String) {
            self.status = 0
            self.body = ByteBuffer()
            self.transport = transport
        }

        var problem: Problem? { try? JSONDecoder().decode(Problem.self, from: Data(body.readableBytesView)) }

        var event: ProvinceSyncMachine.Event {
            if let transport { return .transportFailure(transport) }
            let problem = problem
            return .problem(problem?.problemCode, status: status, message: problem.map { "\($0.message) [\($0.code)] (hint: \($0.hint))" }
                            ?? String(buffer: body).prefix(200).description)
        }
    }

    func error(for failure: ProvinceSyncMachine.Failure) -> ProvinceNodeError {
        switch failure {
        case .ledgerBehind(let pending):
            ProvinceNodeError(.refused, "HQ holds a signed checkpoint of size \(pending), larger than this ledger",
                              hint: "this ledger is older than what it already sent to HQ (restored from a backup?); restore the latest copy")
        case let .refused(code, status, message):
            ProvinceNodeError(.refused, "HQ refused the sync (\(status)): \(message)",
                              hint: code == .fork ? "HQ holds evidence of a fork of this log: stop and contact HQ's operators; keep this ledger as it is"
                                  : "fix the cause named above; retrying unchanged will fail again")
        case .unavailable(let message):
            ProvinceNodeError(.unreachable, message, hint: "run the sync again later; it resumes where HQ stopped")
        case .protocolViolation(let message):
            ProvinceNodeError(.protocolViolation, message, hint: "check that hq_url points at a CreditSync HQ of protocol version 1")
        }
    }

    func makeCompressor() -> GzipCompressor? {
        do {
            return try makeGzip()
        } catch {
            logger.warning("cannot start gzip; sending the upload uncompressed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    // MARK: - Steps

    func fetchState(client: HTTPClient, province: String) async throws -> LogState {
        let (status, body) = try await send(client: client, path: SyncAPI.statePath(province), method: .GET, contentType: nil, body: nil)
        guard status == 200 else { throw Answer(status: status, body: body) }
        do {
            return try JSONDecoder().decode(LogState.self, from: Data(body.readableBytesView))
        } catch {
            throw ProvinceNodeError(.protocolViolation, "HQ's state is not a LogState: \(error)", hint: "check that hq_url points at a CreditSync HQ of protocol version 1")
        }
    }

    /// HQ's view must be of this very log and, where it overlaps ours, identical to it.
    func checkState(_ state: LogState, store: LedgerStore, hqVerifier: any NoteVerifier) async throws {
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
                held = try await store.keyHistory().verify(UnverifiedCheckpoint(parsing: text), suite: store.suite.id)
            } catch {
                throw ProvinceNodeError(.refused, "HQ's copy of this log's checkpoint does not verify with this ledger's key: \(error)",
                                        hint: "report to HQ: its mirror does not hold checkpoints of this ledger")
            }
            guard held.size <= (try await store.size()), try await store.root(size: held.size) == held.root else {
                throw ProvinceNodeError(.refused, "FORK: HQ holds a checkpoint of size \(held.size) signed by this ledger's key that this ledger does not contain",
                                        hint: "this ledger was rewritten or its key was used elsewhere; keep both copies as evidence and contact HQ")
            }
        }
    }

    func receipt(in text: String, for local: VerifiedCheckpoint, hqVerifier: any NoteVerifier) throws -> (signature: NoteSignature, time: UInt64)? {
        guard let note = try? SignedNote.parse(text), note.text == local.note.text else { return nil }
        let candidates = note.signatures.filter { $0.name == hqVerifier.name && $0.keyID == hqVerifier.keyID }
        guard !candidates.isEmpty else { return nil }
        let block = candidates.map(\.line).joined()
        return try verifyReceipt(block, for: local, hqVerifier: hqVerifier)
    }

    /// Checks HQ's cosignature lines over the local checkpoint; returns the receipt.
    func verifyReceipt(_ block: String, for local: VerifiedCheckpoint, hqVerifier: any NoteVerifier) throws -> (signature: NoteSignature, time: UInt64) {
        do {
            let lines = try SignedNote.parseSignatureLines(block)
            let verified = try SignedNote(text: local.note.text, signatures: lines).verify([hqVerifier])
            let signature = verified[0]
            return (signature, Cosignatures.timestamp(of: signature.signature) ?? 0)
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
              body: HTTPClientRequest.Body?, limit: Int = 1 << 20) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: configuration.hqURL + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "creditsync-province/1")
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        request.body = body
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(configuration.timeoutSeconds)))
            let data = try await response.body.collect(upTo: limit)
            return (Int(response.status.code), data)
        } catch is NIOTooManyBytesError {
            // Not a network failure: retrying would fetch the same oversized answer.
            throw ProvinceNodeError(.protocolViolation, "HQ's answer to \(path) is larger than \(limit) bytes",
                                    hint: "HQ must split deliveries (Protocol/sync.md); report this to HQ's operators")
        } catch let error as NIOSSLError {
            throw ProvinceNodeError(.refused, "TLS with HQ failed: \(error)", hint: "check that cert and key are this province's and ca is HQ's CA")
        } catch let error as BoringSSLError {
            throw ProvinceNodeError(.refused, "TLS with HQ failed: \(error)", hint: "check that cert and key are this province's and ca is HQ's CA")
        } catch {
            // Connection refused, dropped or timed out (or the upload cut by fault injection):
            // the machine resumes from HQ's state.
            throw Answer(transport: "cannot reach HQ at \(configuration.hqURL): \(error)")
        }
    }

    /// Sends a request whose answer must be `expecting`, decoded as `T`; any other answer is
    /// thrown as an `Answer`.
    func exchange<T: Decodable>(client: HTTPClient, path: String, method: HTTPMethod, contentType: String?, body: HTTPClientRequest.Body?,
                                expecting: Int) async throws -> T {
        let (status, data) = try await send(client: client, path: path, method: method, contentType: contentType, body: body)
        guard status == expecting else { throw Answer(status: status, body: data) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(data.readableBytesView))
        } catch {
            throw ProvinceNodeError(.protocolViolation, "HQ's answer is not a \(T.self): \(error)", hint: "check that hq_url points at a CreditSync HQ of protocol version 1")
        }
    }

    /// An unexpected answer in a single-step helper, as an operator error.
    func failure(_ answer: Answer) -> ProvinceNodeError {
        var machine = ProvinceSyncMachine(localSize: 0, retries: 0)
        if case .fail(let failure) = machine.handle(answer.event) { return error(for: failure) }
        return ProvinceNodeError(.unreachable, "HQ answered \(answer.status)", hint: "retry later")
    }
}

extension SyncClient {
    /// The client with this configuration's TLS settings, for tests that speak the protocol by hand.
    public func makeClientForTests() throws -> HTTPClient { try makeClient() }
}

extension SyncClient {
    /// Step 1 alone: what HQ has of `province`'s log.
    public func logState(province: String) async throws -> LogState {
        try await withClient { client in try await fetchState(client: client, province: province) }
    }

    /// Step 2 alone: submit a signed checkpoint with a consistency proof from HQ's latest.
    public func addCheckpoint(_ submission: AddCheckpointRequest, province: String) async throws -> MirrorInfo {
        try await withClient { client in
            try await exchange(client: client, path: SyncAPI.checkpointPath(province), method: .POST, contentType: "text/plain; charset=utf-8",
                               body: .bytes(ByteBuffer(string: submission.body)), expecting: 200)
        }
    }

    func withClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = try makeClient()
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch let answer as Answer {
            try? await client.shutdown()
            throw failure(answer)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
