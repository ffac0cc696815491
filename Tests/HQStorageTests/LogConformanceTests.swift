import Foundation
import GRDB
import HQNode
import HQStorage
import HQTestSupport
import LedgerCore
import LedgerStore
import Testing
import TestSupport

/// Every stored log (a province ledger, HQ's mirror, HQ's feed) on every backend it lives on,
/// under one fsck (`LogFsck`): the same tampering is found at the same index in each. What each
/// role adds is in its own suite (TamperTests for the ledger's state, the mirror and feed
/// conformance suites).
@Suite("Log conformance: one fsck for every role and backend")
struct LogConformanceTests {
    enum Cell: String, CaseIterable, CustomTestStringConvertible {
        case ledgerSQLite, mirrorSQLite, mirrorPostgres, feedSQLite, feedPostgres
        var testDescription: String { rawValue }
        var isSQLite: Bool { self == .ledgerSQLite || self == .mirrorSQLite || self == .feedSQLite }
    }

    /// A log of 600 entries whose latest checkpoint is of size 600, and raw SQL against its
    /// tables with their guards off, as an attacker with the database would run it.
    struct LogUnderTest {
        let cell: Cell
        let verify: () async throws -> LogVerifier.Report
        /// Runs SQL whose `{entry}`, `{tile}` and `{checkpoint}` name this log's tables.
        let sql: (String) async throws -> Void
        /// Keeps the fixture (and its temporary directory) alive.
        let fixture: Any

        static func make(_ cell: Cell) async throws -> LogUnderTest {
            switch cell {
            case .ledgerSQLite:
                let directory = try TemporaryDirectory("creditsync-log")
                let suite = Suite.sha256Ed25519
                let origin = "creditsync.test/province/440000"
                let signer = try suite.signatures.generateKey(name: origin).signer
                let path = directory.appending("ledger.sqlite").path
                let store = try LedgerStore.create(at: path, metadata: LedgerMetadata(suite: .sha256Ed25519, origin: origin, province: "440000", role: .province,
                                                                                      verifierKey: signer.verifierKey),
                                                   suite: suite, signer: signer, now: Date())
                _ = try await store.append(try TestRecords.records(0..<600), signer: signer, now: Date())
                return LogUnderTest(cell: cell, verify: { try await store.verify() }, sql: { try sqlite(path, $0) }, fixture: (directory, store))
            case .mirrorSQLite, .mirrorPostgres:
                let fixture = try await StorageFixture(cell == .mirrorSQLite ? .sqlite : .postgres, records: 0..<600)
                try await fixture.mirrorLog(to: 600)
                let keys = try fixture.keys
                let run: (String) async throws -> Void = switch fixture.location {
                case .directory(let url): { try sqlite(url.appendingPathComponent("mirrors/440000.sqlite").path, $0) }
                case .database(let url): { try await psql(url, $0, entry: "mirror_entry_440000", tile: "mirror_tile_440000", checkpoint: "mirror_checkpoint_440000") }
                }
                return LogUnderTest(cell: cell, verify: { try await fixture.mirror().verify(keys: keys) }, sql: run, fixture: fixture)
            case .feedSQLite, .feedPostgres:
                let fixture = try await StorageFixture(cell == .feedSQLite ? .sqlite : .postgres, records: 0..<1)
                let signer = try fixture.data.keys.feedSigner(province: "440000", suite: .sha256Ed25519)
                let feed = try await fixture.storage.feed(province: "440000", signer: signer)
                _ = try await feed.append(try FeedConformanceTests.records(0..<600), signer: signer, now: Date())
                let keys = try LogKeyHistory([(signer.verifierKey, 0)], suite: .sha256Ed25519)
                let run: (String) async throws -> Void = switch fixture.location {
                case .directory(let url): { try sqlite(url.appendingPathComponent("feeds/440000.sqlite").path, $0) }
                case .database(let url): { try await psql(url, $0, entry: "feed_entry", tile: "feed_tile", checkpoint: "feed_checkpoint") }
                }
                return LogUnderTest(cell: cell, verify: { try await feed.verify(keys: keys) }, sql: run, fixture: fixture)
            }
        }

        static let sqliteGuards = ["entry_append_only_update", "entry_append_only_delete", "entry_contiguous",
                                   "checkpoint_append_only_update", "checkpoint_append_only_delete"]

        static func sqlite(_ path: String, _ statement: String) throws {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = false
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in
                for name in sqliteGuards { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
                try db.execute(sql: statement.replacingOccurrences(of: "{entry}", with: "entry").replacingOccurrences(of: "{tile}", with: "tile")
                    .replacingOccurrences(of: "{checkpoint}", with: "checkpoint"))
            }
        }

        static func psql(_ url: String, _ statement: String, entry: String, tile: String, checkpoint: String) async throws {
            let guards = [entry, tile, checkpoint].map { "ALTER TABLE \($0) DISABLE TRIGGER ALL;" }.joined(separator: " ")
            let sql = guards + " " + statement.replacingOccurrences(of: "{entry}", with: entry).replacingOccurrences(of: "{tile}", with: tile)
                .replacingOccurrences(of: "{checkpoint}", with: checkpoint)
            let result = try await Shell.run("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
            guard result.status == 0 else { throw VectorError(result.output) }
        }
    }

    /// The code and first bad index of a refused fsck, whichever store refused it.
    static func refusal(_ error: any Error) -> (code: String, index: UInt64?)? {
        switch error {
        case let error as LedgerStoreError: (error.code, error.index)
        case let error as HQStorageError: (error.code, error.index)
        default: nil
        }
    }

    func expectCorrupt(_ log: LogUnderTest, at index: UInt64, _ comment: Comment) async {
        await #expect(comment) { _ = try await log.verify() } throws: { error in
            guard let refusal = Self.refusal(error) else { return false }
            return ["store.corrupt", "storage.corrupt"].contains(refusal.code) && refusal.index == index
        }
    }

    @Test("an untouched log verifies whole", arguments: Cell.allCases)
    func clean(cell: Cell) async throws {
        let log = try await LogUnderTest.make(cell)
        let report = try await log.verify()
        #expect(report.entries == 600 && report.latest?.size == 600)
    }

    @Test("a changed byte in an entry is named at its index", arguments: Cell.allCases)
    func changedEntry(cell: Cell) async throws {
        let log = try await LogUnderTest.make(cell)
        try await log.sql(cell.isSQLite
            ? #"UPDATE {entry} SET data = CAST(replace(CAST(data AS TEXT), '"v":1', '"v":2') AS BLOB) WHERE idx = 437"#
            : #"UPDATE {entry} SET data = replace(data, '"v":1', '"v":2') WHERE idx = 437"#)
        await expectCorrupt(log, at: 437, "changed entry")
    }

    @Test("a deleted entry is named as missing", arguments: Cell.allCases)
    func deletedEntry(cell: Cell) async throws {
        let log = try await LogUnderTest.make(cell)
        try await log.sql("DELETE FROM {entry} WHERE idx = 123")
        await expectCorrupt(log, at: 123, "deleted entry")
    }

    @Test("a rewritten tile is named at the first leaf it covers", arguments: Cell.allCases)
    func changedTile(cell: Cell) async throws {
        let log = try await LogUnderTest.make(cell)
        try await log.sql(cell.isSQLite
            ? "UPDATE {tile} SET hashes = zeroblob(length(hashes)) WHERE level = 0 AND idx = 1"
            : "UPDATE {tile} SET hashes = decode(repeat('00', length(hashes)), 'hex') WHERE level = 0 AND idx = 1")
        await expectCorrupt(log, at: 256, "changed tile")
    }

    @Test("a checkpoint whose columns disagree with its signed note fails at the last entry it covers", arguments: Cell.allCases)
    func forgedCheckpointColumns(cell: Cell) async throws {
        let log = try await LogUnderTest.make(cell)
        try await log.sql(cell.isSQLite
            ? "UPDATE {checkpoint} SET root = zeroblob(32) WHERE size = 600"
            : "UPDATE {checkpoint} SET root = decode(repeat('00', 32), 'hex') WHERE size = 600")
        await expectCorrupt(log, at: 599, "forged checkpoint columns")
    }

    @Test("a mirror's record of repeated change ids that claims a repeat where there is none is named", arguments: [Cell.mirrorSQLite, .mirrorPostgres])
    func misrecordedRepeat(cell: Cell) async throws {
        let log = try await LogUnderTest.make(cell)
        try await log.sql(cell.isSQLite
            ? "INSERT INTO duplicate_change (idx, change_id, first_idx) SELECT idx, change_id, 3 FROM {entry} WHERE idx = 10"
            : "INSERT INTO mirror_duplicate_change (province, idx, change_id, first_idx) SELECT province, idx, change_id, 3 FROM {entry} WHERE idx = 10")
        await expectCorrupt(log, at: 10, "a repeat recorded where there is none")
    }
}
