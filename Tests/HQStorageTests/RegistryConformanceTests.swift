import Foundation
import HQNode
import HQStorage
import LedgerCore
import Testing
import HQTestSupport
import TestSupport

@Suite("Registry storage conformance")
struct RegistryConformanceTests {
    @Test("enrolment: the same key again is a no-op, another key or origin is refused, a rotation extends the history", arguments: StorageBackend.allCases)
    func enrolment(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        let registry = fixture.data.registry
        let again = try await fixture.data.administration.enroll(province: "440000", verifierKey: fixture.log.signer.verifierKey, now: Date())
        #expect(again.keys.count == 1 && again.origin == "creditsync.samr/province/440000")
        let other = try RawLog()
        await #expect { try await fixture.data.administration.enroll(province: "440000", verifierKey: other.signer.verifierKey, now: Date()) } throws: { "\($0)".contains("another key") }
        await #expect { try await fixture.data.administration.enroll(province: "310000", verifierKey: other.signer.verifierKey, now: Date()) } throws: { "\($0)".contains("already enrolled") }
        let rotated = try await registry.rotateKey(province: "440000", verifierKey: other.signer.verifierKey, fromSize: 600, rotationNote: "note", now: Date())
        #expect(rotated.keys.map(\.fromSize) == [0, 600] && rotated.verifierKey == other.signer.verifierKey)
        #expect(try await registry.enrolments().map(\.province) == ["440000"])
    }

    @Test("events, evidence, alarms and revocations are kept and listed", arguments: StorageBackend.allCases)
    func records(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend)
        let registry = fixture.data.registry
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try await registry.recordEvent(SyncEvent(province: "440000", at: now, kind: .upload, outcome: "complete", entries: 10, size: 10))
        try await registry.recordEvent(SyncEvent(province: "440000", at: now.addingTimeInterval(60), kind: .refusal, outcome: "wrong-province"))
        #expect(try await registry.events(province: "440000", limit: 2).map(\.outcome) == ["wrong-province", "complete"])
        #expect(try await registry.lastSync(province: "440000") == now)
        try await registry.recordFork(ForkEvidence(province: "440000", detectedAt: now, reason: "two roots", heldCheckpoint: "a", submittedCheckpoint: "b", proof: nil))
        #expect(try await registry.forks(province: "440000").map(\.reason) == ["two roots"])
        #expect(try await registry.alarms(province: nil).map(\.kind) == ["fork"])
        let revocation = Revocation(kind: .certificate, value: "1f", province: "440000", reason: "lost", revokedAt: now)
        #expect(try await registry.revoke(revocation))
        #expect(try await !registry.revoke(revocation))
        #expect(try await registry.isRevoked(.certificate, "1f"))
        #expect(try await !registry.isRevoked(.logKey, "1f"))
        #expect(try await registry.revocations().count == 1)
    }
}
