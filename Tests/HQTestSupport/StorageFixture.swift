import Foundation
import GRDB
public import HQNode
public import HQStorage
import HQStorageDrivers
public import LedgerCore
public import Mirroring
import SyncProtocol
public import TestSupport

/// HQ's storage on one backend, with a province enrolled from a hand-built log, and raw SQL for
/// what an attacker or a careless operator would run against the database directly.
public struct StorageFixture {
    public let backend: StorageBackend
    public let directory: TemporaryDirectory
    public let location: HQData.Location
    public let data: HQData
    public private(set) var log: RawLog

    public init(_ backend: StorageBackend, records: Range<Int> = 0..<600) async throws {
        try await self.init(backend, records: try TestRecords.records(records))
    }

    /// HQ's storage with 440000 enrolled from a log of `records` (not yet mirrored).
    public init(_ backend: StorageBackend, records: [ChangeRecord]) async throws {
        self.backend = backend
        directory = try TemporaryDirectory("creditsync-storage")
        location = switch backend {
        case .sqlite: .directory(directory.appending("hq"))
        case .postgres: .database(try await TestPostgres.database())
        }
        data = try await HQData.initialize(location, keys: directory.appending("keys"))
        var log = try RawLog()
        log.append(records)
        self.log = log
        try await data.administration.enroll(province: "440000", verifierKey: log.signer.verifierKey, now: Date())
    }

    public var storage: any HQStorage { data.storage }

    public func mirror() async throws -> any MirrorStore { try await storage.mirror(province: "440000") }

    /// A second connection to the same storage, as another HQ process would open it.
    public func openAgain() async throws -> HQData {
        try await HQData.open(location, keys: directory.appending("keys"))
    }

    public var keys: LogKeyHistory {
        get throws { try LogKeyHistory([(log.signer.verifierKey, 0)], suite: .sha256Ed25519) }
    }

    /// Submits the log's checkpoint of `size` with a proof from `old`, through the arbiter.
    @discardableResult
    public func submit(_ log: RawLog? = nil, size: UInt64, old: UInt64) async throws -> CheckpointArbiter.Decision {
        let log = log ?? self.log
        let checkpoint = try log.checkpoint(size)
        let proof = try log.consistency(from: old, to: size)
        let hasher = log.suite.treeHasher
        return try await mirror().submitCheckpoint(checkpoint, now: Date()) { facts in
            CheckpointArbiter.decide(facts, oldSize: old, proof: proof, incoming: checkpoint.checkpoint, hasher: hasher)
        }
    }

    /// Appends records to the province's log (mirror them with `mirrorLog(to:)`).
    public mutating func append(_ records: [ChangeRecord]) {
        log.append(records)
    }

    /// Submits and uploads [0, size) through one lease.
    public func mirrorLog(to size: UInt64) async throws {
        let status = try await mirror().status()
        if status.pendingSize < size { try await submit(size: size, old: status.pendingSize) }
        let log = log
        _ = try await mirror().withUploadLease { writer in
            let start = try await writer.start(end: size)
            return try await writer.append(try log.verifiedBatch(start: start.nextEntry, end: size, frontier: start.frontier), now: Date())
        }
    }

    /// Runs SQL directly against the database holding the mirror of 440000.
    public func rawSQL(_ sql: String) async throws {
        switch location {
        case .directory(let url):
            let queue = try DatabaseQueue(path: url.appendingPathComponent("mirrors/440000.sqlite").path)
            defer { try? queue.close() }
            try await queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        case .database(let url):
            let result = try await Shell.run("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
            guard result.status == 0 else { throw VectorError(result.output) }
        }
    }
}
