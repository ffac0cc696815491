import Foundation
import GRDB
import LedgerCore
import LedgerStore
import NationalCrypto
import TestSupport

/// A province ledger in a fresh temporary directory.
struct LedgerFixture {
    let directory: TemporaryDirectory
    let store: LedgerStore
    let signer: any NoteSigner
    var path: String { store.path }

    init(suite id: SuiteID, province: String = "440000") throws {
        directory = try TemporaryDirectory()
        let suite = Suites.named(id)
        let origin = "creditsync.test/province/\(province)"
        signer = try suite.signatures.generateKey(name: origin).signer
        let metadata = LedgerMetadata(suite: id, origin: origin, province: province, role: .province, verifierKey: signer.verifierKey)
        store = try LedgerStore.create(at: directory.appending("ledger.sqlite").path, metadata: metadata, suite: suite, signer: signer, now: Date())
    }

    @discardableResult
    func append(_ range: Range<Int>) async throws -> LedgerStore.AppendResult {
        try await store.append(try TestRecords.records(range, province: store.metadata.province), signer: signer, now: Date())
    }

    /// Raw SQL on the ledger file, as an attacker or a careless operator would run it.
    func tamper(_ sql: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        try queue.close()
    }

    /// Rewrites one stored tile's bytes.
    func tamperTile(level: Int, index: Int, _ change: (inout [UInt8]) -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            var bytes = [UInt8](try Data.fetchOne(db, sql: "SELECT hashes FROM tile WHERE level = ? AND idx = ?", arguments: [level, index])!)
            change(&bytes)
            try db.execute(sql: "UPDATE tile SET hashes = ? WHERE level = ? AND idx = ?", arguments: [Data(bytes), level, index])
        }
        try queue.close()
    }

    static let dropTriggers = """
        DROP TRIGGER entry_append_only_update; DROP TRIGGER entry_append_only_delete;
        """
}
