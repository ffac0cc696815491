import Foundation
import HQAudit
import HQTestSupport
import LedgerCore
import Quality
import Synthetic
import Testing
import TestSupport

/// Scores that mean what they say, through whole audits on both backends: a province that sends
/// less for a month (HQ's register still holds what it held back) never scores higher.
@Suite("Audit scores never rise when a province sends less")
struct AuditScoringTests {
    typealias Key = AuditScenario.Key

    @Test("withholding some or all of the month's records lowers or keeps every score", arguments: StorageBackend.allCases)
    func sendingLess(backend: StorageBackend) async throws {
        let full = try AuditScenario.withDefects(count: 1_500, seed: 44)
        let period = full.period
        let baseline = try await Self.scores(full, backend: backend)
        var random = SeededGenerator(seed: 7)
        func recordedInMonth(_ value: JSONValue) -> Bool {
            (value["recorded_at"]?.stringValue.flatMap { CivilDate(dateTime: $0) }).map(period.contains) == true
        }
        // Some of the month's records held back, then all of them.
        for share in [3, 1] {
            var scenario = full
            scenario.local = full.local.filter { !recordedInMonth($0) || random.next() % UInt64(share) != 0 }
            try #require(scenario.local.count < full.local.count)
            let less = try await Self.scores(scenario, backend: backend)
            #expect((less.overall.score ?? 0) <= (baseline.overall.score ?? 0), "1/\(share) held back")
            for (name, entry) in baseline.scores {
                #expect((less.scores[name]?.score ?? 0) <= (entry.score ?? 0), "\(name), 1/\(share) held back")
            }
            #expect(less.gapCounts["missing_local", default: 0] > baseline.gapCounts["missing_local", default: 0])
        }
    }

    static func scores(_ scenario: AuditScenario, backend: StorageBackend) async throws -> AuditDocument {
        let fixture = try await AuditCorrectnessTests.load(scenario, backend: backend)
        return try await AuditCorrectnessTests.audit(fixture, period: scenario.period, into: "audit").header
    }
}
