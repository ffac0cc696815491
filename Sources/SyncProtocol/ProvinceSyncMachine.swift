import LedgerCore

/// The province side of one sync (Protocol/sync.md §2) as a pure state machine: the client
/// performs each action (an HTTP request, a pause), checks what it received (signatures, roots,
/// receipts), and feeds the result back as an event. Deciding what comes next, and when to give
/// up, lives here alone, so it is tested without sockets or SQLite.
public struct ProvinceSyncMachine: Sendable {
    public enum Action: Equatable, Sendable {
        /// Ask HQ for its state; `attempt` > 0 means pause first (the client's backoff).
        case fetchState(attempt: Int)
        /// Submit the ledger's latest checkpoint with a consistency proof from `oldSize`.
        case submitCheckpoint(oldSize: UInt64)
        /// Stream the entries [start, local size).
        case upload(start: UInt64)
        /// Done: the receipt for the local size came back (from the upload or HQ's state).
        case finish
        case fail(Failure)
    }

    public enum Failure: Equatable, Sendable {
        /// HQ holds a signed checkpoint larger than this ledger: it is older than what it sent.
        case ledgerBehind(hqPending: UInt64)
        /// HQ refused with a problem that retrying cannot fix.
        case refused(ProblemCode?, status: Int, message: String)
        /// HQ cannot serve now, or conflicts kept coming back: try again later.
        case unavailable(String)
        /// HQ answered something the protocol does not allow.
        case protocolViolation(String)
    }

    public enum Event: Equatable, Sendable {
        /// HQ's state, checked by the client: `receiptForLocal` when it already holds and has
        /// cosigned exactly the local checkpoint.
        case state(pendingSize: UInt64, nextEntry: UInt64, receiptForLocal: Bool)
        case checkpointAccepted(nextEntry: UInt64)
        /// 200 with a receipt that verified against the local checkpoint.
        case uploadComplete
        /// 202: HQ stored a prefix.
        case uploadPartial(nextEntry: UInt64)
        /// An error answer.
        case problem(ProblemCode?, status: Int, message: String)
        /// The request did not complete (connection refused, dropped, timed out).
        case transportFailure(String)
    }

    public let localSize: UInt64
    public let retries: Int
    public private(set) var attempts = 0
    private var uploadStart: UInt64?

    public init(localSize: UInt64, retries: Int) {
        self.localSize = localSize
        self.retries = retries
    }

    public func start() -> Action { .fetchState(attempt: 0) }

    public mutating func handle(_ event: Event) -> Action {
        switch event {
        case let .state(pendingSize, nextEntry, receiptForLocal):
            uploadStart = nil
            if pendingSize > localSize { return .fail(.ledgerBehind(hqPending: pendingSize)) }
            if receiptForLocal { return .finish }
            if pendingSize < localSize { return .submitCheckpoint(oldSize: pendingSize) }
            guard nextEntry <= localSize else {
                return .fail(.protocolViolation("HQ's next entry \(nextEntry) is beyond its checkpoint of size \(pendingSize)"))
            }
            return upload(from: nextEntry)
        case .checkpointAccepted(let nextEntry):
            guard nextEntry <= localSize else {
                return .fail(.protocolViolation("HQ's next entry \(nextEntry) is beyond the submitted checkpoint of size \(localSize)"))
            }
            return upload(from: nextEntry)
        case .uploadComplete:
            return .finish
        case .uploadPartial(let nextEntry):
            // Progress is not a retry; no progress is a protocol violation.
            guard let start = uploadStart, nextEntry > start, nextEntry <= localSize else {
                return .fail(.protocolViolation("HQ answered 202 without storing anything (next entry \(nextEntry))"))
            }
            return upload(from: nextEntry)
        case let .problem(code, status, message):
            switch code?.recovery {
            case .resumeFromState?:
                return retry(message)
            case .retryLater?:
                return .fail(.unavailable("HQ answered \(status): \(message)"))
            case .stop?:
                return .fail(.refused(code, status: status, message: message))
            case nil:
                return status >= 500 ? .fail(.unavailable("HQ answered \(status): \(message)")) : .fail(.refused(nil, status: status, message: message))
            }
        case .transportFailure(let reason):
            return retry(reason)
        }
    }

    private mutating func upload(from start: UInt64) -> Action {
        uploadStart = start
        return .upload(start: start)
    }

    /// Starts over from HQ's state after a pause, or gives up after `retries` attempts.
    private mutating func retry(_ reason: String) -> Action {
        attempts += 1
        guard attempts <= retries else {
            return .fail(.unavailable("gave up after \(retries) retries: \(reason)"))
        }
        uploadStart = nil
        return .fetchState(attempt: attempts)
    }
}
