import Foundation
import HQNode
import HQStorage
import LedgerCore
import Mirroring
import SyncProtocol
import Testing
import HQTestSupport
import TestSupport

/// One conformance suite for every HQ storage backend (DESIGN §5): the same test code, run on
/// embedded SQLite and on PostgreSQL.
@Suite("Mirror storage conformance")
struct MirrorConformanceTests {
    @Test("entries, tiles, checkpoints and receipts round-trip; proofs and fsck agree with the log", arguments: StorageBackend.allCases)
    func roundTrip(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.mirrorLog(to: 300)
        try await fixture.mirrorLog(to: 600)
        let mirror = try await fixture.mirror()
        let status = try await mirror.status()
        #expect(status.nextEntry == 600 && status.pendingSize == 600 && status.complete?.size == 600)
        #expect(try await mirror.entries(from: 0, to: 600) == fixture.log.entries)
        #expect(try await mirror.root(size: 600) == fixture.log.root(600))
        #expect(try await mirror.root(size: 257) == fixture.log.root(257))
        let proof = try await mirror.consistencyProof(from: 300, to: 600)
        try proof.verify(oldRoot: try fixture.log.root(300), newRoot: try fixture.log.root(600), hasher: fixture.log.suite.treeHasher)
        let inclusion = try await mirror.inclusionProof(index: 511, treeSize: 600)
        try inclusion.verify(root: try fixture.log.root(600), hasher: fixture.log.suite.treeHasher)
        #expect(try await mirror.checkpoints().map(\.size) == [300, 600])
        let report = try await mirror.verify(keys: try fixture.keys)
        #expect(report.entries == 600 && report.checkpoints == 2)
        // The state projection at any size: record P-102 is written by entries 102 and 204.
        let record = try TestRecords.record(204)
        #expect(record.id == "P-102")
        #expect(try await mirror.state(category: record.category, id: record.id, size: nil)?.index == 204)
        #expect(try await mirror.state(category: record.category, id: record.id, size: 204)?.index == 102)
        #expect(try await mirror.state(category: record.category, id: record.id, size: 102) == nil)
    }

    @Test("the state at a size, paged in key order, is per key the latest entry below it", arguments: StorageBackend.allCases)
    func statePages(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.mirrorLog(to: 600)
        let mirror = try await fixture.mirror()
        for size in [150, 257, 600] as [UInt64] {
            // Expected from the log itself: the last entry of each key below `size`, keys by bytes.
            var latest: [StateKey: UInt64] = [:]
            for (index, entry) in fixture.log.entries.prefix(Int(size)).enumerated() {
                let value = try JSONParser.parse(entry)
                latest[StateKey(category: try #require(value["category"]?.stringValue), id: try #require(value["id"]?.stringValue))] = UInt64(index)
            }
            let expected = latest.sorted { Array($0.key.category.utf8).lexicographicallyPrecedes($1.key.category.utf8)
                || ($0.key.category == $1.key.category && Array($0.key.id.utf8).lexicographicallyPrecedes($1.key.id.utf8)) }
            var read: [StateEntry] = []
            var after: StateKey?
            while true {
                let page = try await mirror.state(size: size, after: after, limit: 7)
                read += page
                guard page.count == 7 else { break }
                after = page.last?.key
            }
            #expect(read.map(\.key) == expected.map(\.key), "size \(size)")
            #expect(read.map(\.index) == expected.map(\.value), "size \(size)")
            #expect(read.allSatisfy { $0.data == fixture.log.entries[Int($0.index)] })
        }
    }

    @Test("an append not at the next entry changes nothing", arguments: StorageBackend.allCases)
    func compareAndSet(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.mirrorLog(to: 300)
        try await fixture.submit(size: 600, old: 300)
        let log = fixture.log
        let mirror = try await fixture.mirror()
        // A batch verified from the empty tree, offered to a mirror already at 300.
        let stale = try log.verifiedBatch(start: 0, end: 600, frontier: MerkleFrontier())
        await #expect {
            try await mirror.withUploadLease { writer in try await writer.append(stale, now: Date()) }
        } throws: { ($0 as? HQStorageError)?.codeValue == .conflict }
        #expect(try await mirror.status().nextEntry == 300)
        #expect(try await mirror.verify(keys: try fixture.keys).entries == 300)
    }

    @Test("one upload lease per province, across connections as across processes; released on error", arguments: StorageBackend.allCases)
    func uploadLease(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        let other = try await fixture.openAgain()
        let mirror = try await fixture.mirror()
        let otherMirror = try await other.storage.mirror(province: "440000")
        // SQLite leases live in the one serving process; another opening of the files is a
        // second process only on PostgreSQL.
        let second = backend == .postgres ? otherMirror : mirror
        try await mirror.withUploadLease { _ in
            _ = await #expect { try await second.withUploadLease { _ in () } } throws: { ($0 as? HQStorageError)?.codeValue == .uploadInProgress }
        }
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await mirror.withUploadLease { _ in throw Boom() } }
        try await second.withUploadLease { _ in () }
        try await other.storage.close()
    }

    @Test("a receipt only for a stored checkpoint whose entries are all stored; the same receipt again", arguments: StorageBackend.allCases)
    func receipts(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.submit(size: 600, old: 0)
        let mirror = try await fixture.mirror()
        let cosigner = fixture.data.keys.cosigner
        func receipt(_ size: UInt64) async throws -> NoteSignature {
            try await mirror.receipt(size: size, cosigner: cosigner.name, keyID: cosigner.keyID, now: Date()) { try cosigner.cosign($0, time: 1_790_000_000) }
        }
        await #expect { try await receipt(600) } throws: { ($0 as? HQStorageError)?.codeValue == .incomplete }
        await #expect { try await receipt(500) } throws: { ($0 as? HQStorageError)?.codeValue == .noSuchCheckpoint }
        try await fixture.mirrorLog(to: 600)
        let first = try await receipt(600)
        let again = try await mirror.receipt(size: 600, cosigner: cosigner.name, keyID: cosigner.keyID, now: Date()) { try cosigner.cosign($0, time: 1_790_000_999) }
        #expect(first == again)
        #expect(try await mirror.receipts(size: 600).map(\.signature) == [first])
    }

    @Test("the schema refuses to change or delete entries, checkpoints and receipts", arguments: StorageBackend.allCases)
    func appendOnly(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.mirrorLog(to: 300)
        let cosigner = fixture.data.keys.cosigner
        _ = try await fixture.mirror().receipt(size: 300, cosigner: cosigner.name, keyID: cosigner.keyID, now: Date()) { try cosigner.cosign($0, time: 1) }
        let (entry, checkpoint, receipt) = backend == .sqlite ? ("entry", "checkpoint", "receipt") : ("mirror_entry", "mirror_checkpoint", "mirror_receipt")
        for sql in ["UPDATE \(entry) SET data = data WHERE idx = 5", "DELETE FROM \(entry) WHERE idx = 299",
                    "UPDATE \(checkpoint) SET note = note", "DELETE FROM \(checkpoint)",
                    "UPDATE \(receipt) SET time = 0", "DELETE FROM \(receipt)"] {
            await #expect(throws: (any Error).self, "\(sql)") { try await fixture.rawSQL(sql) }
        }
        if backend == .postgres {
            await #expect(throws: (any Error).self) { try await fixture.rawSQL("TRUNCATE mirror_entry_440000") }
        }
        #expect(try await fixture.mirror().verify(keys: try fixture.keys).entries == 300)
    }

    @Test("fsck names the first changed entry, even with the triggers dropped", arguments: StorageBackend.allCases)
    func tamperDetection(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.mirrorLog(to: 600)
        let change = #"'"fine_amount":"37.5"', '"fine_amount":"37.6"'"#
        switch backend {
        case .sqlite:
            try await fixture.rawSQL("DROP TRIGGER entry_append_only_update; UPDATE entry SET data = CAST(replace(CAST(data AS TEXT), \(change)) AS BLOB) WHERE idx = 437")
        case .postgres:
            try await fixture.rawSQL("ALTER TABLE mirror_entry_440000 DISABLE TRIGGER ALL; UPDATE mirror_entry_440000 SET data = replace(data, \(change)) WHERE idx = 437")
        }
        await #expect { try await fixture.mirror().verify(keys: try fixture.keys) } throws: { error in
            guard let error = error as? HQStorageError, error.codeValue == .corrupt else { return false }
            return error.index == 437
        }
    }

    @Test("a seen checkpoint the stored entries contradict is reported by the append that reaches it", arguments: StorageBackend.allCases)
    func seenCheckpoints(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        try await fixture.mirrorLog(to: 300)
        var forked = RawLog(sharing: fixture.log, prefix: 300)
        forked.append(try TestRecords.records(5000..<5100))
        // HQ accepts the true 600 first; the fork's 350, signed by the province key, is then
        // older than HQ's latest and nothing HQ holds contradicts it yet: refused, kept as seen.
        #expect(try await fixture.submit(size: 600, old: 300) == .accept)
        #expect(try await fixture.submit(forked, size: 350, old: 300) == .stale(current: 600))
        let log = fixture.log
        let outcome = try await fixture.mirror().withUploadLease { writer in
            let start = try await writer.start(end: 600)
            return try await writer.append(try log.verifiedBatch(start: 300, end: 600, frontier: start.frontier), now: Date())
        }
        #expect(outcome.contradicted.map(\.size) == [350])
        #expect(outcome.contradicted.first?.note == (try forked.checkpoint(350)).text)
    }

    @Test("entries that repeat a change_id are stored and listed", arguments: StorageBackend.allCases)
    func duplicateChanges(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend, records: 0..<0)
        var building = fixture.log
        building.append(try TestRecords.records(0..<10) + [try TestRecords.record(3), try TestRecords.record(7)] + TestRecords.records(10..<300))
        let log = building
        let checkpoint = try log.checkpoint()
        let hasher = log.suite.treeHasher
        let mirror = try await fixture.mirror()
        _ = try await mirror.submitCheckpoint(checkpoint, now: Date()) { facts in
            CheckpointArbiter.decide(facts, oldSize: 0, proof: [], incoming: checkpoint.checkpoint, hasher: hasher)
        }
        let outcome = try await mirror.withUploadLease { writer in
            try await writer.append(try log.verifiedBatch(start: 0, end: log.size, frontier: MerkleFrontier()), now: Date())
        }
        let expected = [DuplicateChange(index: 10, changeID: "c-440000-3", firstIndex: 3), DuplicateChange(index: 11, changeID: "c-440000-7", firstIndex: 7)]
        #expect(outcome.duplicates == expected)
        #expect(try await mirror.duplicateChanges(limit: 10) == expected)
        #expect(try await mirror.verify(keys: try fixture.keys).entries == 302)
    }

    @Test("ids and entries with tabs, newlines, backslashes and quotes are stored byte for byte", arguments: StorageBackend.allCases)
    func escapes(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend, records: 0..<0)
        var building = fixture.log
        // JSON escapes that decode to a tab, a newline, a carriage return, backslashes and quotes.
        let tricky = #"{"category":"admin_penalty","change_id":"c\t1\\x\n","entity":{"name":"A\"B\\C\tD"},"id":"P\r\\1","op":"upsert","province":"440000"}"#
        building.append([try ChangeRecord(parsing: Array(tricky.utf8), province: "440000")] + (try TestRecords.records(0..<20)))
        let log = building
        let checkpoint = try log.checkpoint()
        let hasher = log.suite.treeHasher
        let mirror = try await fixture.mirror()
        _ = try await mirror.submitCheckpoint(checkpoint, now: Date()) { facts in
            CheckpointArbiter.decide(facts, oldSize: 0, proof: [], incoming: checkpoint.checkpoint, hasher: hasher)
        }
        _ = try await mirror.withUploadLease { writer in
            try await writer.append(try log.verifiedBatch(start: 0, end: log.size, frontier: MerkleFrontier()), now: Date())
        }
        #expect(try await mirror.entries(from: 0, to: log.size) == log.entries)
        #expect(try await mirror.state(category: "admin_penalty", id: "P\r\\1", size: nil)?.index == 0)
        #expect(try await mirror.verify(keys: try fixture.keys).entries == 21)
    }
}
