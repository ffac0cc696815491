import Foundation
import GRDB
import LedgerCore
import LedgerStore
import NationalCrypto
import Testing
import TestSupport

/// `verify` must catch any changed, missing, reordered or extra byte, and name the first bad index.
@Suite("Tamper detection")
struct TamperTests {
    func expectCorrupt(_ ledger: LedgerFixture, index: UInt64, _ comment: Comment) async {
        await #expect(comment) { try await ledger.store.verify() } throws: { error in
            guard let error = error as? LedgerStoreError, error.codeValue == .corrupt else { return false }
            return error.index == index
        }
    }

    @Test("a changed byte in a stored entry", arguments: SuiteID.allCases)
    func changedByte(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<600)
        // "测试企业" → "测试企亚": one byte of one record, still valid JSON.
        try ledger.tamper(LedgerFixture.dropTriggers + """
            UPDATE entry SET data = CAST(replace(CAST(data AS TEXT), '"fine_amount":"37.5"', '"fine_amount":"37.6"') AS BLOB) WHERE idx = 437;
            """)
        await expectCorrupt(ledger, index: 437, "changed fine amount")
    }

    @Test("a changed byte that breaks the JSON", arguments: SuiteID.allCases)
    func brokenJSON(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<50)
        try ledger.tamper(LedgerFixture.dropTriggers + "UPDATE entry SET data = substr(data, 1, length(data) - 1) || x'20' WHERE idx = 7;")
        await expectCorrupt(ledger, index: 7, "broken JSON")
    }

    @Test("a deleted row", arguments: SuiteID.allCases)
    func deletedRow(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<300)
        try ledger.tamper(LedgerFixture.dropTriggers + "DELETE FROM entry WHERE idx = 123;")
        await expectCorrupt(ledger, index: 123, "deleted row")
    }

    @Test("the last row deleted", arguments: SuiteID.allCases)
    func deletedLastRow(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<300)
        try ledger.tamper(LedgerFixture.dropTriggers + "DELETE FROM entry WHERE idx = 299;")
        await expectCorrupt(ledger, index: 299, "deleted last row")
    }

    @Test("two rows swapped", arguments: SuiteID.allCases)
    func swappedRows(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<300)
        try ledger.tamper(LedgerFixture.dropTriggers + """
            CREATE TEMP TABLE saved AS SELECT idx, change_id, data FROM entry WHERE idx IN (40, 41);
            DELETE FROM entry WHERE idx IN (40, 41);
            INSERT INTO entry (idx, change_id, data) SELECT 81 - idx, change_id, data FROM saved;
            """)
        await expectCorrupt(ledger, index: 40, "swapped rows")
    }

    @Test("an extra row beyond the latest checkpoint", arguments: SuiteID.allCases)
    func extraRow(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<20)
        let extra = try TestRecords.record(20)
        // Inserts are not refused by a trigger (only updates and deletes are); verify catches them.
        try ledger.tamper("INSERT INTO entry (idx, change_id, data) VALUES (20, '\(extra.changeID)', CAST('\(String(decoding: extra.canonicalBytes, as: UTF8.self))' AS BLOB));")
        await expectCorrupt(ledger, index: 20, "extra row")
    }

    @Test("a row inserted out of sequence", arguments: SuiteID.allCases)
    func outOfSequence(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<20)
        let extra = try TestRecords.record(30)
        try ledger.tamper("INSERT INTO entry (idx, change_id, data) VALUES (25, '\(extra.changeID)', CAST('\(String(decoding: extra.canonicalBytes, as: UTF8.self))' AS BLOB));")
        await expectCorrupt(ledger, index: 20, "gap before a planted row")
        // And the next append refuses to build on a log it cannot extend contiguously.
        await #expect(throws: (any Error).self) { try await ledger.append(20..<25) }
    }

    @Test("entries and tree hashes rewritten together are caught by the signed root", arguments: SuiteID.allCases)
    func rewrittenTree(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<100)
        try await ledger.append(100..<200)
        // Replace entry 150 and recompute its stored leaf hash: tiles now agree with the entries,
        // only the signed checkpoint root does not.
        let replacement = try TestRecords.record(9150)
        let leaf = Suites.named(suite).treeHasher.leafHash(replacement.canonicalBytes)
        let tile = try await ledger.store.entries(from: 0, to: 200).enumerated().map { index, data in
            index == 150 ? leaf : Suites.named(suite).treeHasher.leafHash(data)
        }
        let blob = tile.flatMap(\.bytes).hex
        try ledger.tamper(LedgerFixture.dropTriggers + """
            UPDATE entry SET data = CAST('\(String(decoding: replacement.canonicalBytes, as: UTF8.self))' AS BLOB), change_id = '\(replacement.changeID)' WHERE idx = 150;
            UPDATE state SET last_index = 150, content_hash = x'\(Suites.named(suite).contentHash(replacement.contentBytes).hex)' WHERE id = 'P-9150';
            INSERT INTO state (category, id, content_hash, last_index, revoked) SELECT 'admin_penalty', 'P-9150', x'\(Suites.named(suite).contentHash(replacement.contentBytes).hex)', 150, 0 WHERE NOT EXISTS (SELECT 1 FROM state WHERE id = 'P-9150');
            DELETE FROM state WHERE id = 'P-150';
            UPDATE tile SET hashes = x'\(blob)' WHERE level = 0 AND idx = 0;
            """)
        await #expect { try await ledger.store.verify() } throws: { error in
            guard let error = error as? LedgerStoreError, error.codeValue == .corrupt else { return false }
            return error.index == 100 && error.message.contains("100..<200")
        }
    }

    @Test("a changed tree hash", arguments: SuiteID.allCases)
    func changedTile(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<600)
        try ledger.tamperTile(level: 0, index: 1) { bytes in bytes[0] ^= 0x01 }
        await expectCorrupt(ledger, index: 256, "changed leaf hash tile")
    }

    @Test("a changed state item", arguments: SuiteID.allCases)
    func changedState(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<10)
        try ledger.tamper("UPDATE state SET revoked = 1 WHERE id = 'P-3';")
        await expectCorrupt(ledger, index: 3, "revoked flag flipped")
    }

    @Test("a forged checkpoint", arguments: SuiteID.allCases)
    func forgedCheckpoint(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<10)
        let forger = try Suites.named(suite).signatures.generateKey(name: ledger.store.metadata.origin).signer
        let forged = try VerifiedCheckpoint.sign(Checkpoint(origin: ledger.store.metadata.origin, size: 11, root: Hash([UInt8](repeating: 7, count: 32)), suite: suite), with: forger)
        try ledger.tamper("INSERT INTO checkpoint (size, root, note, stored_at) VALUES (11, x'\([UInt8](repeating: 7, count: 32).hex)', '\(forged.text)', 0);")
        await expectCorrupt(ledger, index: 10, "forged checkpoint")
    }
}
