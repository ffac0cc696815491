public import Foundation
import HQStorage
import LedgerCore
import Mirroring

/// `hq risk export-logs`: HQ's intake log and every enrolled province's feed, each as its latest
/// signed checkpoint and its entries (Protocol/formats.md §10), for anyone to check offline with
/// HQ's public keys (`hq risk check-logs`): `intake.checkpoint`, `intake.ndjson`,
/// `feeds/<code>.checkpoint`, `feeds/<code>.ndjson`, and `keys.txt`, the verifier keys, for the
/// operator to hand over by a channel the checker trusts. The feeds are cut before the intake
/// log, so every exported feed entry has its decision.
public struct IntakeExport: Sendable {
    public struct Summary: Sendable, Equatable {
        public var intakeEntries: UInt64 = 0
        public var feeds: [String: UInt64] = [:]
        /// `name key` lines: the intake log's key, then each feed's.
        public var keys: [String] = []
    }

    public let data: HQData
    public var pageSize: UInt64 = 4096

    public init(data: HQData) {
        self.data = data
    }

    /// Under the push-down lock, so the export is one state of the logs.
    public func run(to directory: URL) async throws -> Summary {
        try await data.storage.withPushDownLock { try await locked(to: directory) }
    }

    private func locked(to directory: URL) async throws -> Summary {
        let feedsDirectory = directory.appendingPathComponent("feeds")
        do {
            try FileManager.default.createDirectory(at: feedsDirectory, withIntermediateDirectories: true)
        } catch {
            throw HQError(.input, "cannot create \(feedsDirectory.path): \(error.localizedDescription)", hint: "choose a directory you can write")
        }
        var summary = Summary()
        var feeds: [(Enrolment, any FeedStore, StoredCheckpoint)] = []
        for enrolment in try await data.registry.enrolments() {
            let feed = try await data.feed(of: enrolment)
            feeds.append((enrolment, feed, try await feed.latestCheckpoint()))
        }
        let intake = try await data.intake()
        let latest = try await intake.latestCheckpoint()
        try await write(intake, latest, to: directory.appendingPathComponent("intake"))
        summary.intakeEntries = latest.size
        summary.keys.append(try data.keys.intakeSigner().verifierKey)
        for (enrolment, feed, checkpoint) in feeds {
            try await write(feed, checkpoint, to: feedsDirectory.appendingPathComponent(enrolment.province))
            summary.feeds[enrolment.province] = checkpoint.size
            summary.keys.append(try data.keys.feedVerifierKey(province: enrolment.province, suite: enrolment.suite))
        }
        try Data((summary.keys.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent("keys.txt"))
        return summary
    }

    /// `BASE.checkpoint` and `BASE.ndjson`: the checkpoint's entries, one canonical entry per line.
    private func write(_ log: any FeedStore, _ checkpoint: StoredCheckpoint, to base: URL) async throws {
        try Data(checkpoint.note.utf8).write(to: base.appendingPathExtension("checkpoint"))
        let path = base.appendingPathExtension("ndjson").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw HQError(.input, "cannot write \(path)", hint: "choose a directory you can write")
        }
        defer { try? handle.close() }
        var start: UInt64 = 0
        while start < checkpoint.size {
            let end = min(checkpoint.size, start + pageSize)
            var chunk: [UInt8] = []
            for entry in try await log.entries(from: start, to: end) {
                chunk += entry
                chunk.append(0x0A)
            }
            try handle.write(contentsOf: chunk)
            start = end
        }
    }
}
