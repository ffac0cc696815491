import HQStorage
import LedgerCore

extension PostgresMirror {
    /// `fsck` (`LogFsck`) of the mirror with the enrolment's keys, in one snapshot.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        try await PostgresVerification.inSnapshot(client, logger: logger, corrupt: { [province] in HQStorageError.corrupt($0, province: province) }) { connection in
            try await LogFsck.run(PostgresLogReader(role: .mirror, province: province, connection: connection, logger: logger, hasher: hasher),
                                  keys: keys, suite: suite, province: province, origin: origin, role: .mirror)
        }
    }
}
