import Foundation
import GRDB
import HQNode
import HQStorage
import LedgerCore
import Mirroring
import NationalCrypto
import SyncProtocol
import Testing
import HQTestSupport
import TestSupport

/// The feed store (DESIGN §7) on every backend: the same test code on SQLite and PostgreSQL.
@Suite("Feed storage conformance")
struct FeedConformanceTests {
    static func records(_ range: Range<Int>) throws -> [PreparedEntry] {
        try range.map { n in
            let text = #"{"v":1,"change_id":"central/\#(n)","province":"440000","category":"central_risk","id":"CR-\#(n)","op":"upsert","origin":"central","entity":{"uscc":"91440300MA5FXXXX0X","name":"示例"},"fields":{"source_dept":"海关总署","kind":"海关失信企业","case_no":"\#(n)","decided_on":"2026-11-20"}}"#
            return PreparedEntry(try ChangeRecord(parsing: Array(text.utf8), province: "440000"), suite: .sha256Ed25519)
        }
    }

    @Test("appends sign a checkpoint per call, take each change_id once, and prove, deliver and cosign like a log", arguments: StorageBackend.allCases)
    func feedRoundTrip(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        let signer = try fixture.data.keys.feedSigner(province: "440000", suite: .sha256Ed25519)
        let feed = try await fixture.storage.feed(province: "440000", signer: signer)
        #expect(feed.origin == FeedOrigin.of(province: "440000"))
        let hasher = Suite.sha256Ed25519.treeHasher
        let empty = try await feed.latestCheckpoint()
        #expect(empty.size == 0 && empty.root == hasher.emptyRoot)
        let verifier = try Suite.sha256Ed25519.signatures.verifier(name: feed.origin, publicKey: signer.publicKey)
        _ = try UnverifiedCheckpoint(parsing: empty.note).verify(logKey: verifier, suite: .sha256Ed25519)

        let first = try Self.records(0..<300)
        let appended = try await feed.append(first, signer: signer, now: Date())
        #expect(appended.appended == 300 && appended.duplicates == 0 && appended.checkpoint.size == 300)
        let again = try await feed.append(first, signer: signer, now: Date())
        #expect(again.appended == 0 && again.duplicates == 300 && again.checkpoint == appended.checkpoint)
        let mixed = try Self.records(250..<450)
        let second = try await feed.append(mixed + [mixed[0]], signer: signer, now: Date())
        #expect(second.appended == 150 && second.duplicates == 51 && second.checkpoint.size == 450)

        // The same tree as the entries in order; checkpoints verify with the feed key.
        let entries = try await feed.entries(from: 0, to: 450)
        let expected = try (first + Self.records(300..<450)).map(\.record.canonicalBytes)
        #expect(entries == expected)
        var frontier = MerkleFrontier()
        for entry in entries { frontier.append(hasher.leafHash(entry), hasher: hasher) }
        let latest = try await feed.latestCheckpoint()
        #expect(latest.size == 450 && latest.root == frontier.root(hasher: hasher))
        _ = try UnverifiedCheckpoint(parsing: latest.note).verify(logKey: verifier, suite: .sha256Ed25519)
        let proof = try await feed.consistencyProof(from: 300, to: 450)
        try proof.verify(oldRoot: appended.checkpoint.root, newRoot: latest.root, hasher: hasher)

        // Deliveries step through stored checkpoints.
        #expect(try await feed.nextCheckpoint(after: 0, maxEntries: 4096)?.size == 450)
        #expect(try await feed.nextCheckpoint(after: 0, maxEntries: 100)?.size == 300)
        #expect(try await feed.nextCheckpoint(after: 300, maxEntries: 1000)?.size == 450)
        #expect(try await feed.nextCheckpoint(after: 450, maxEntries: 4096) == nil)
        #expect(try await feed.checkpoint(size: 300)?.root == appended.checkpoint.root)
        #expect(try await feed.checkpoint(size: 299) == nil)
        let appendedAt = try #require(try await feed.appendedAt(index: 0))
        #expect(abs(appendedAt.timeIntervalSinceNow) < 300)
        #expect(try await feed.appendedAt(index: 450) == nil)

        // Cosignatures attach only to stored checkpoints; a repeat is ignored.
        let province = try Ed25519NoteSigner.generate(name: "creditsync.samr/province/440000")
        let checkpoint = try UnverifiedCheckpoint(parsing: appended.checkpoint.note).checkpoint
        let cosignature = try LogKeyCosigning.cosign(checkpoint, time: 1_764_547_200, with: province)
        await #expect { try await feed.addCosignature(size: 299, signature: cosignature, time: 1_764_547_200) } throws: {
            ($0 as? HQStorageError)?.codeValue == .noSuchCheckpoint
        }
        try await feed.addCosignature(size: 300, signature: cosignature, time: 1_764_547_200)
        try await feed.addCosignature(size: 300, signature: cosignature, time: 1_764_547_200)
        let stored = try await feed.cosignatures()
        #expect(stored.count == 1 && stored[0].size == 300 && stored[0].signature == cosignature && stored[0].time == 1_764_547_200)

        // Another key, or another name, is refused; the data survives reopening.
        let stranger = try Ed25519NoteSigner.generate(name: feed.origin)
        await #expect { _ = try await fixture.storage.feed(province: "440000", signer: stranger) } throws: { ($0 as? HQStorageError)?.codeValue == .enrolment }
        await #expect { _ = try await fixture.storage.feed(province: "440000", signer: try signer.renamedForTests("creditsync.samr/hq/feed/110000")) } throws: {
            ($0 as? HQStorageError)?.codeValue == .enrolment
        }
        await #expect { _ = try await fixture.storage.feed(province: "110000", signer: signer) } throws: { ($0 as? HQStorageError)?.codeValue == .notEnrolled }
        // fsck: the tree, tiles and checkpoints agree; one entry changed behind the store's back is named.
        let keys = try LogKeyHistory([(signer.verifierKey, 0)], suite: .sha256Ed25519)
        let report = try await feed.verify(keys: keys)
        #expect(report.entries == 450 && report.checkpoints == 3)
        try await fixture.storage.close()
        let reopened = try await fixture.openAgain()
        let same = try await reopened.feed(province: "440000")
        #expect(try await same.latestCheckpoint() == latest)
        switch fixture.location {
        case .directory(let url):
            let queue = try DatabaseQueue(path: url.appendingPathComponent("feeds/440000.sqlite").path)
            try await queue.writeWithoutTransaction { db in
                try db.execute(sql: "DROP TRIGGER entry_append_only_update")
                try db.execute(sql: #"UPDATE entry SET data = CAST(replace(CAST(data AS TEXT), '海关总署', '海关总局') AS BLOB) WHERE idx = 333"#)
            }
            try queue.close()
        case .database(let url):
            let result = try await Shell.run("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c",
                "ALTER TABLE feed_entry DISABLE TRIGGER feed_entry_kept; UPDATE feed_entry SET data = replace(data, '海关总署', '海关总局') WHERE idx = 333"])
            #expect(result.status == 0, "\(result.output)")
        }
        await #expect { _ = try await same.verify(keys: keys) } throws: {
            guard let error = $0 as? HQStorageError else { return false }
            return error.codeValue == .corrupt && error.index == 333 && error.message.contains("feed to 440000")
        }
        try await reopened.storage.close()
    }
}

extension NoteSigner {
    func renamedForTests(_ name: String) throws -> any NoteSigner {
        guard let ed25519 = self as? Ed25519NoteSigner else { throw VectorError("not an Ed25519 signer") }
        return try ed25519.renamed(name)
    }
}
