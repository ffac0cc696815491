import Foundation
import HQStorage
import LedgerCore
import LedgerStore

extension SQLiteMirror {
    /// `fsck` (`LogFsck`) of the mirror file with the enrolment's keys.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        do {
            return try await LogFsck.run(try SQLiteLogReader(pool, layout: .mirror), keys: keys, suite: suite, province: province, origin: origin, role: .mirror)
        } catch let failure as VerificationFailure {
            throw HQStorageError.corrupt(failure, province: province)
        }
    }
}
