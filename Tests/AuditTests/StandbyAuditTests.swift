import Foundation
import HQAudit
import HQNode
import HQStorage
import HQStorageDrivers
import HQTestSupport
import LedgerCore
import Quality
import Testing
import TestSupport

/// Month-end audits on a hot standby (ops/postgresql.md): the standby is read, the audit is kept
/// on the primary, and the findings are the primary's.
@Suite("Audits on a PostgreSQL hot standby")
struct StandbyAuditTests {
    @Test("an audit read from a streaming-replication standby finds what one on the primary finds, and is kept on the primary")
    func auditOnStandby() async throws {
        let scenario = try AuditScenario.withDefects(count: 1_200, seed: 31)
        let fixture = try await AuditCorrectnessTests.load(scenario, backend: .postgres)
        guard case .database(let primaryURL) = fixture.location else { throw VectorError("the postgres fixture has no database URL") }
        let standbyURL = try await TestPostgres.onStandby(primaryURL)
        #expect(standbyURL != primaryURL)

        // It really is a standby: read-only, with the primary's data replayed.
        let replica = try await HQStorageDrivers.open(.database(standbyURL))
        do {
            await #expect(throws: (any Error).self) {
                _ = try await replica.enroll(province: try ProvinceCode("310000"), verifierKey: fixture.log.signer.verifierKey, suite: .sha256Ed25519, now: Date())
            }
            #expect(try await replica.mirror(province: "440000").status().nextEntry == UInt64(scenario.local.count))
            try await replica.close()
        } catch {
            try? await replica.close()
            throw error
        }

        // The CLI, as an auditor runs it at month end, and the same audit on the primary.
        let month = scenario.period.description
        let onStandby = fixture.directory.appending("standby")
        let result = try await CLI.run(["hq", "audit", "--database", primaryURL, "--standby", standbyURL, "--province", "440000",
                                        "--month", month, "--out", onStandby.path])
        #expect(result.status == 0, "\(result.stderr)")
        // Kept on the primary (the standby refuses writes), where next month's audit looks for it.
        #expect(try await fixture.storage.audits.latest(province: "440000", month: month) != nil)
        let plan = AuditPlan(province: "440000", period: scenario.period, rules: AuditScenario.rules, calendar: AuditScenario.calendar)
        _ = try await ProvinceAuditor(storage: fixture.storage).run(plan, output: fixture.directory.appending("primary"))
        let standbyFile = try AuditDocument.read(onStandby.appendingPathComponent(AuditFiles.document))
        let primaryFile = try AuditDocument.read(fixture.directory.appending("primary/audit.json"))
        #expect(!standbyFile.findings.isEmpty && !standbyFile.gaps.isEmpty)
        #expect(standbyFile.findings == primaryFile.findings && standbyFile.gaps == primaryFile.gaps)
        #expect(standbyFile.header.mirror == primaryFile.header.mirror && standbyFile.header.scores == primaryFile.header.scores)

        // --standby without --database is a usage error.
        let usage = try await CLI.run(["hq", "audit", "--data", fixture.directory.appending("none").path, "--standby", standbyURL,
                                       "--province", "440000", "--month", month, "--out", onStandby.path])
        #expect(usage.status != 0 && usage.stderr.contains("--standby"), "\(usage.stderr)")
    }
}
