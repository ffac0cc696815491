import Foundation
import GRDB
public import LedgerCore

extension LedgerStore {
    public typealias VerificationReport = LogVerifier.Report

    /// `fsck` (`LogFsck`, shared by every log): every checkpoint verifies with the key valid at
    /// its size (`keys`, by default the history this ledger records) and agrees with its
    /// columns; then entries, tiles and the state projection. Throws `store.corrupt` naming the
    /// first bad index.
    ///
    /// Reads one snapshot; memory stays flat in the size of the log.
    public func verify(keys given: LogKeyHistory? = nil) async throws -> VerificationReport {
        let reader = try SQLiteLogReader(pool, layout: .ledger)
        let suite = suite
        do {
            let keys: LogKeyHistory
            if let given {
                keys = given
            } else {
                keys = try await reader.snapshot.read { db in try Self.keyHistory(db, suite: suite) }
            }
            return try await LogFsck.run(reader, keys: keys, suite: suite, province: metadata.province, origin: metadata.origin, role: .province)
        } catch let failure as VerificationFailure {
            throw LedgerStoreError.corrupt(failure.message, index: failure.index)
        }
    }
}
