import HQStorage
import LedgerCore

extension PostgresFeed {
    /// `fsck` (`LogFsck`) of the feed with HQ's feed keys, in one snapshot. HQ signs a checkpoint
    /// with every append, so each entry is covered, as in a province's log.
    func verify(keys: LogKeyHistory) async throws -> LogVerifier.Report {
        try await PostgresVerification.inSnapshot(client, logger: logger, corrupt: { [province] in HQStorageError.corruptFeed($0, province: province) }) { connection in
            try await LogFsck.run(PostgresLogReader(role: .feed, province: province, connection: connection, logger: logger, hasher: hasher),
                                  keys: keys, suite: suite, province: province, origin: origin, role: .province)
        }
    }
}
