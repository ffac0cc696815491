/// `fsck` of a stored log, written once for every backend and role over the `LogReader` seam:
/// each stored checkpoint verifies with the key valid at its size and its columns agree with its
/// note; then `LogVerifier`'s checks over the entries, the tiles each page of entries completes
/// and the state projection; each entry filed under its own record; repeated change ids recorded
/// as they are. The first failure is a `VerificationFailure` naming the first bad index; the
/// caller wraps it in its own error (`store.corrupt`, `storage.corrupt`).
///
/// Memory stays flat in the size of the log: entries are read a page at a time, with the tiles
/// and state items that page needs.
public enum LogFsck {
    public static func run(_ log: some LogReader, keys: LogKeyHistory, suite: Suite, province: String, origin: String,
                           role: LogVerifier.Role, pageSize: Int = 4096) async throws -> LogVerifier.Report {
        let checkpoints = try verifiedCheckpoints(try await log.checkpoints(), keys: keys, suite: suite, origin: origin)
        var verifier = try LogVerifier(suite: suite, province: province, role: role, checkpoints: checkpoints)
        var start: UInt64 = 0
        while true {
            let page = try await log.entries(from: start, limit: pageSize)
            guard let first = page.first?.index, let last = page.last?.index else { break }
            let tiles = try await log.tiles(TileLayout.completed(from: first, through: last))
            let state = try await log.stateItems(Set(page.compactMap(recordKey)))
            for entry in page {
                let record = try verifier.check(index: entry.index, changeID: entry.changeID, data: entry.data,
                                                state: state.map { items in { category, id in items[StateKey(category: category, id: id)] } },
                                                tile: { tiles[$0] })
                if let filed = entry.filedUnder, filed.category != record.category || filed.id != record.id {
                    throw VerificationFailure("entry \(entry.index) is filed under another record than its own (\(record.category)/\(record.id))", index: entry.index)
                }
            }
            start = last + 1
        }
        if let index = try await log.firstMisrecordedRepeat() {
            throw VerificationFailure("the record of repeated change ids disagrees with entry \(index)", index: index)
        }
        return try verifier.finish(stateItems: try await log.stateItemCount(), storedTiles: try await log.tileCounts())
    }

    /// The stored checkpoints, each verified with the key valid at its size and equal to its own
    /// columns, of `origin`; the first that is not fails at the last entry it covers.
    static func verifiedCheckpoints(_ stored: [StoredCheckpoint], keys: LogKeyHistory, suite: Suite, origin: String) throws -> [Checkpoint] {
        try stored.map { stored in
            let index = stored.size == 0 ? 0 : stored.size - 1
            let checkpoint: VerifiedCheckpoint
            do {
                checkpoint = try keys.verify(UnverifiedCheckpoint(parsing: stored.note), suite: suite.id)
            } catch {
                throw VerificationFailure("the checkpoint of size \(stored.size) does not verify: \(error)", index: index)
            }
            guard checkpoint.size == stored.size, checkpoint.root == stored.root, checkpoint.checkpoint.origin == origin else {
                throw VerificationFailure("the stored columns of checkpoint \(stored.size) disagree with its signed note", index: index)
            }
            return checkpoint.checkpoint
        }
    }

    /// The record key of an entry's bytes, to fetch its state item with its page's; nil for bytes
    /// that do not scan (the verifier then refuses them before it looks at the state).
    static func recordKey(_ entry: StoredEntry) -> StateKey? {
        guard let members = CanonicalMembers.scan(entry.data),
              let category = member("category", of: entry.data, members), let id = member("id", of: entry.data, members) else { return nil }
        return StateKey(category: category, id: id)
    }

    private static func member(_ name: String, of bytes: [UInt8], _ members: [CanonicalMembers.Member]) -> String? {
        guard let member = members.first(where: { bytes[$0.key].elementsEqual(name.utf8) }) else { return nil }
        return CanonicalMembers.plainString(bytes, member.value) ?? (try? JSONParser.parse(Array(bytes[member.value])))?.stringValue
    }
}
