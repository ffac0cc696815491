public import LedgerCore

/// The error type of `LedgerStore`.
public typealias LedgerStoreError = CodedError<LedgerStoreErrorCode>

public enum LedgerStoreErrorCode: String, ErrorCode {
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

    public typealias Detail = UInt64
}

extension LedgerStoreError {
    static func corrupt(_ message: String, index: UInt64?) -> LedgerStoreError {
        LedgerStoreError(.corrupt, message,
                         hint: "the ledger file was altered outside CreditSync; restore it from a backup or from HQ's mirror and keep this copy as evidence",
                         index: index)
    }
}
