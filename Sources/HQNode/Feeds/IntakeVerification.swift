import Foundation
import HQStorage
public import LedgerCore
public import Mirroring

/// `hq verify`'s accounting of central items (DESIGN §7, issue 26 item 3): the intake log is
/// checked like any log (`fsck` with HQ's intake key), then `IntakeAccounting` reads it and every
/// enrolled province's feed, page by page, with HQ's held queue, and names every item not
/// delivered unaltered to exactly one live feed or held.
public struct IntakeVerification: Sendable {
    public struct Report: Sendable {
        public var log: LogVerifier.Report
        public var summary: IntakeAccounting.Summary
        public var findings: [IntakeAccounting.Finding]
        /// Findings beyond those kept in `findings`.
        public var omitted: Int
    }

    public let data: HQData
    public var pageSize: UInt64 = 4096

    public init(data: HQData) {
        self.data = data
    }

    /// Under the push-down lock, so no import or release moves the logs while they are read.
    public func run() async throws -> Report {
        try await data.storage.withPushDownLock { try await locked() }
    }

    private func locked() async throws -> Report {
        // The held queue and the feeds' sizes first, then the intake log, so every feed entry
        // read has its decision.
        let held = try await heldQueue()
        var feeds: [(province: String, feed: any FeedStore, size: UInt64)] = []
        for enrolment in try await data.registry.enrolments() {
            let feed = try await data.feed(of: enrolment)
            feeds.append((enrolment.province, feed, try await feed.latestCheckpoint().size))
        }
        let intake = try await data.intake()
        let key = try data.keys.intakeSigner().verifierKey
        let log = try await intake.verify(keys: try LogKeyHistory([(key, 0)], suite: intake.suite))
        var accounting = IntakeAccounting()
        try await read(intake, size: log.entries) { index, bytes in accounting.intake(index: index, entry: bytes) }
        for (province, feed, size) in feeds {
            try await read(feed, size: size) { index, bytes in accounting.feed(province: province, index: index, entry: bytes) }
        }
        let (summary, findings, omitted) = accounting.finish(held: held)
        return Report(log: log, summary: summary, findings: findings, omitted: omitted)
    }

    /// The change ids in HQ's held queue.
    private func heldQueue() async throws -> Set<String> {
        var held = Set<String>()
        var after: String?
        while true {
            let page = try await data.storage.heldRisk.held(after: after, limit: 1000)
            guard let last = page.last else { break }
            held.formUnion(page.map(\.changeID))
            after = last.changeID
        }
        return held
    }

    private func read(_ log: any FeedStore, size: UInt64, _ body: (UInt64, [UInt8]) -> Void) async throws {
        var start: UInt64 = 0
        while start < size {
            let end = min(size, start + pageSize)
            for (offset, bytes) in try await log.entries(from: start, to: end).enumerated() { body(start + UInt64(offset), bytes) }
            start = end
        }
    }
}
