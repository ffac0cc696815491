import Foundation
import HQStorage
import LedgerCore
import NationalCrypto
import SyncProtocol

/// Routed records on their way into the provinces' feeds, for `hq risk import` and the release
/// of held items: appended in chunks of at most `FeedAPI.maximumDeliveryEntries` entries and 8 MiB,
/// each one transaction with its own signed checkpoint (deliveries step through these
/// checkpoints, so one delivery never exceeds a chunk). Each feed takes a change_id once.
struct FeedChunks {
    let data: HQData
    let suites: [String: SuiteID]
    let chunkEntries: Int
    let chunkBytes: Int
    let now: @Sendable () -> Date
    private var pending: [String: (entries: [PreparedEntry], bytes: Int)] = [:]
    private(set) var appended = 0
    private(set) var repeated = 0
    private(set) var byProvince: [String: Int] = [:]

    init(data: HQData, enrolments: [Enrolment], chunkEntries: Int, chunkBytes: Int, now: @escaping @Sendable () -> Date) {
        self.data = data
        self.suites = Dictionary(uniqueKeysWithValues: enrolments.map { ($0.province, $0.suite) })
        self.chunkEntries = chunkEntries
        self.chunkBytes = chunkBytes
        self.now = now
    }

    /// Queues `record` for `province`'s feed (an enrolled province: the router only names those).
    mutating func add(_ record: ChangeRecord, province: String) async throws {
        guard let suite = suites[province] else {
            throw HQError(.notEnrolled, "province \(province) is not enrolled", hint: "enrol it before routing to it")
        }
        if let chunk = pending[province], chunk.bytes + record.canonicalBytes.count > chunkBytes { try await flush(province) }
        pending[province, default: ([], 0)].entries.append(PreparedEntry(record, suite: Suites.named(suite)))
        pending[province]!.bytes += record.canonicalBytes.count
        if pending[province]!.entries.count >= chunkEntries { try await flush(province) }
    }

    mutating func flush(_ province: String) async throws {
        guard let chunk = pending.removeValue(forKey: province), !chunk.entries.isEmpty else { return }
        let feed = try await data.feed(province: province)
        let result = try await feed.append(chunk.entries, signer: try data.keys.feedSigner(province: province, suite: suites[province]!), now: now())
        appended += result.appended
        repeated += result.duplicates
        byProvince[province, default: 0] += result.appended
    }

    /// Appends everything queued: afterwards every added record is in its feed.
    mutating func flushAll() async throws {
        for province in pending.keys.sorted() { try await flush(province) }
    }
}
