import Foundation
import GRDB
import LedgerCore
import LedgerStore
import NationalCrypto
import Testing
import TestSupport

@Suite("Ledger store")
struct LedgerStoreTests {
    @Test("appends, checkpoints and proves; proofs verify against signed checkpoints", arguments: SuiteID.allCases)
    func appendAndProve(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        let first = try await ledger.append(0..<300)
        #expect(first.appended == 300)
        #expect(first.checkpoint.size == 300)
        let second = try await ledger.append(300..<1000)
        #expect(second.checkpoint.size == 1000)

        let hasher = Suites.named(suite).treeHasher
        var leaves: [Hash] = []
        for index in 0..<1000 { leaves.append(hasher.leafHash(try await ledger.store.entry(at: UInt64(index)))) }
        #expect(hasher.root(leafHashes: leaves) == second.checkpoint.root)
        #expect(hasher.root(leafHashes: Array(leaves.prefix(300))) == first.checkpoint.root)

        // The latest checkpoint verifies with the ledger's key from its verifier key string.
        let key = try VerifierKey(parsing: ledger.store.metadata.verifierKey)
        let (keySuite, verifier) = try Suites.logVerifier(for: key)
        #expect(keySuite.id == suite)
        let stored = try await #require(try ledger.store.latestCheckpoint())
        _ = try UnverifiedCheckpoint(parsing: stored.text).verify(logKey: verifier, suite: suite)

        for index: UInt64 in [0, 1, 255, 256, 299, 511, 512, 777, 999] {
            let proof = try await ledger.store.inclusionProof(index: index)
            #expect(proof.leafHash == leaves[Int(index)])
            try proof.verify(root: second.checkpoint.root, hasher: hasher)
            if index < 300 {
                try await ledger.store.inclusionProof(index: index, treeSize: 300).verify(root: first.checkpoint.root, hasher: hasher)
            }
        }
        try await ledger.store.consistencyProof(from: 300).verify(oldRoot: first.checkpoint.root, newRoot: second.checkpoint.root, hasher: hasher)
        for old: UInt64 in [1, 2, 255, 256, 257, 511, 999] {
            let proof = try await ledger.store.consistencyProof(from: old, to: 1000)
            try proof.verify(oldRoot: hasher.root(leafHashes: Array(leaves.prefix(Int(old)))), newRoot: second.checkpoint.root, hasher: hasher)
        }
        await #expect(throws: LedgerStoreError.self) { try await ledger.store.inclusionProof(index: 1000) }
        await #expect(throws: LedgerStoreError.self) { try await ledger.store.consistencyProof(from: 10, to: 1001) }
        await #expect(try ledger.store.verify().entries == 1000)
    }

    @Test("stored tree hashes give the same roots as an in-memory tree at every size", arguments: SuiteID.allCases)
    func rootsAtEverySize(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        // Odd batch sizes so tiles are left partial and extended across transactions.
        var appended = 0
        for batch in [1, 2, 5, 250, 3, 256, 40] {
            try await ledger.append(appended..<appended + batch)
            appended += batch
        }
        let hasher = Suites.named(suite).treeHasher
        var tree = InMemoryMerkleTree(hasher: hasher)
        for size in 1...appended {
            await tree.append(leafHash: hasher.leafHash(try ledger.store.entry(at: UInt64(size - 1))))
            if size % 37 == 0 || size > appended - 3 {
                await #expect(try ledger.store.root(size: UInt64(size)) == MerkleProofs(hasher: hasher).root(size: UInt64(size), reader: tree))
            }
        }
        await #expect(try ledger.store.verify().checkpoints == 8)
    }

    @Test("a change_id is appended once; resubmissions are acknowledged", arguments: SuiteID.allCases)
    func duplicates(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<10)
        let again = try await ledger.store.append(try TestRecords.records(5..<15) + [try TestRecords.record(14)], signer: ledger.signer, now: Date())
        #expect(again.appended == 5)
        #expect(again.duplicates == 6)
        #expect(again.checkpoint.size == 15)
        let nothingNew = try await ledger.append(0..<15)
        #expect(nothingNew.appended == 0)
        #expect(nothingNew.checkpoint == again.checkpoint)
        await #expect(try ledger.store.verify().entries == 15)
    }

    @Test("the state projection follows upserts and revocations", arguments: SuiteID.allCases)
    func stateProjection(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.store.append([try TestRecords.record(1, id: "X"), try TestRecords.record(2, id: "Y")], signer: ledger.signer, now: Date())
        let x = try await #require(try ledger.store.state(category: "admin_penalty", id: "X"))
        #expect(x.lastIndex == 0 && !x.revoked)
        #expect(x.contentHash == Suites.named(suite).contentHash(try TestRecords.record(1, id: "X").contentBytes))
        try await ledger.store.append([try TestRecords.record(3, op: "revoke", id: "X")], signer: ledger.signer, now: Date())
        let revoked = try await #require(try ledger.store.state(category: "admin_penalty", id: "X"))
        #expect(revoked.lastIndex == 2 && revoked.revoked)
        try await ledger.store.append([try TestRecords.record(4, id: "X")], signer: ledger.signer, now: Date())
        await #expect(try ledger.store.state(category: "admin_penalty", id: "X")?.revoked == false)
        await #expect(try ledger.store.stateCount() == 2)
        await #expect(try ledger.store.verify().stateItems == 2)
    }

    @Test("within one batch the last appended record per key wins; skipped duplicates change nothing", arguments: SuiteID.allCases)
    func stateWithinOneBatch(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.store.append([try TestRecords.record(1, id: "甲")], signer: ledger.signer, now: Date())
        // Keys that share prefixes and sort differently by bytes and by characters, repeated in
        // one batch; the batch's last record for "X" repeats change 1's change_id, so it is skipped.
        let batch = [
            try TestRecords.record(2, id: "XA"), try TestRecords.record(3, id: "X"), try TestRecords.record(4, op: "revoke", id: "甲"),
            try TestRecords.record(5, id: "X"), try TestRecords.record(6, op: "revoke", id: "X"), try TestRecords.record(7, id: "Z"),
            try TestRecords.record(8, id: "甲"), try TestRecords.record(1, id: "X"),
        ]
        let result = try await ledger.store.append(batch, signer: ledger.signer, now: Date())
        #expect(result.appended == 7 && result.duplicates == 1)
        let hash = Suites.named(suite).contentHash
        let x = try await #require(try ledger.store.state(category: "admin_penalty", id: "X"))
        #expect(x.lastIndex == 5 && x.revoked)
        #expect(x.contentHash == hash(try TestRecords.record(6, op: "revoke", id: "X").contentBytes))
        let jia = try await #require(try ledger.store.state(category: "admin_penalty", id: "甲"))
        #expect(jia.lastIndex == 7 && !jia.revoked)
        #expect(jia.contentHash == hash(try TestRecords.record(8, id: "甲").contentBytes))
        await #expect(try ledger.store.state(category: "admin_penalty", id: "XA")?.lastIndex == 1)
        await #expect(try ledger.store.stateCount() == 4)
        // verify recomputes the projection from the entries and compares it row by row.
        await #expect(try ledger.store.verify().stateItems == 4)
    }

    @Test("appends are copied back into the ledger file beside the writer; closing removes the WAL", arguments: SuiteID.allCases)
    func walCheckpointedBesideTheWriter(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        func size(_ path: String) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        }
        let before = try size(ledger.path)
        let appended = try await ledger.append(0..<3000)
        ledger.store.waitForCheckpoints()
        // About 2 MB of records: far below the writer's own checkpoint threshold, so only the
        // checkpointer can have copied them from the WAL into the file.
        #expect(try size(ledger.path) > before + 1_500_000)
        #expect(FileManager.default.fileExists(atPath: ledger.path + "-wal"))
        try ledger.store.close()
        #expect(!FileManager.default.fileExists(atPath: ledger.path + "-wal"))
        let reopened = try LedgerStore.open(at: ledger.path, suite: Suites.named(suite))
        await #expect(try reopened.latestCheckpoint() == appended.checkpoint)
        await #expect(try reopened.verify().entries == 3000)
    }

    @Test("records of another province are refused and nothing is written", arguments: SuiteID.allCases)
    func otherProvince(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<3)
        let foreign = try TestRecords.record(9, province: "310000")
        await #expect(throws: LedgerStoreError.self) {
            try await ledger.store.append([try TestRecords.record(3), foreign], signer: ledger.signer, now: Date())
        }
        await #expect(try ledger.store.size() == 3)
    }

    @Test("a key other than the ledger's cannot sign its checkpoints", arguments: SuiteID.allCases)
    func foreignSigner(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        let other = try Suites.named(suite).signatures.generateKey(name: ledger.store.metadata.origin).signer
        await #expect(throws: LedgerStoreError.self) {
            try await ledger.store.append(try TestRecords.records(0..<2), signer: other, now: Date())
        }
        await #expect(try ledger.store.size() == 0)
    }

    @Test("opening with the wrong suite is a clear error")
    func wrongSuite() throws {
        let ledger = try LedgerFixture(suite: .sm3SM2)
        #expect { try LedgerStore.open(at: ledger.path, suite: .sha256Ed25519) } throws: {
            ($0 as? LedgerStoreError)?.codeValue == .wrongSuite && "\($0)".contains("sm3-sm2")
        }
        #expect(try LedgerStore.open(at: ledger.path, resolve: Suites.named).suite.id == .sm3SM2)
    }

    @Test("the schema refuses updates and deletes of entries and checkpoints", arguments: SuiteID.allCases)
    func appendOnlySchema(suite: SuiteID) async throws {
        let ledger = try LedgerFixture(suite: suite)
        try await ledger.append(0..<5)
        #expect(throws: DatabaseError.self) { try ledger.tamper("UPDATE entry SET data = data WHERE idx = 1") }
        #expect(throws: DatabaseError.self) { try ledger.tamper("DELETE FROM entry WHERE idx = 4") }
        #expect(throws: DatabaseError.self) { try ledger.tamper("DELETE FROM checkpoint") }
        #expect(throws: DatabaseError.self) { try ledger.tamper("UPDATE checkpoint SET note = 'x'") }
        await #expect(try ledger.store.verify().entries == 5)
    }
}
