import LedgerCore

/// The error type of `LedgerStore`.
public struct LedgerStoreError: OperatorError, Equatable {
    public enum Code: String, Sendable {
        case notALedger = "store.not-a-ledger"
        case alreadyExists = "store.already-exists"
        case wrongSuite = "store.wrong-suite"
        case wrongRole = "store.wrong-role"
        case keyMismatch = "store.key-mismatch"
        case indexOutOfRange = "store.index-out-of-range"
        case noSuchCheckpoint = "store.no-such-checkpoint"
        case corrupt = "store.corrupt"
        case rootMismatch = "store.root-mismatch"
        case conflictingCheckpoint = "store.conflicting-checkpoint"
        case staleCheckpoint = "store.stale-checkpoint"
        case entryRejected = "store.entry-rejected"
        case sqlite = "store.sqlite"
    }

    public var codeValue: Code
    public var message: String
    public var hint: String
    public var code: String { codeValue.rawValue }
    /// For verification failures: the first log index found bad.
    public var index: UInt64?

    public init(_ code: Code, _ message: String, hint: String, index: UInt64? = nil) {
        self.codeValue = code
        self.message = message
        self.hint = hint
        self.index = index
    }

    static func corrupt(_ message: String, index: UInt64?) -> LedgerStoreError {
        LedgerStoreError(.corrupt, message,
                         hint: "the ledger file was altered outside CreditSync; restore it from a backup or from HQ's mirror and keep this copy as evidence",
                         index: index)
    }
}
