import Foundation
import HQAudit
import HQStorage
import HQTestSupport
import Quality
import Testing
import TestSupport

/// `hq audit --by-source`: the problem list split into one CSV per producing unit, so HQ can send
/// each unit its own list ("谁产生、谁提供、谁负责", 2018-25).
@Suite("The problem list split by source unit")
struct AuditBySourceTests {
    @Test("one file per source unit, every finding in exactly one, the same header as findings.csv", arguments: StorageBackend.allCases)
    func bySource(backend: StorageBackend) async throws {
        let scenario = try AuditScenario.withDefects(count: 1_500, seed: 5)
        let fixture = try await AuditCorrectnessTests.load(scenario, backend: backend)
        let storage: [String] = switch fixture.location {
        case .directory(let url): ["--data", url.path]
        case .database(let url): ["--database", url]
        }
        let out = fixture.directory.appending("cli-audit")
        let result = try await CLI.run(["hq", "audit"] + storage + ["--province", "440000", "--month", scenario.period.description,
                                                                  "--out", out.path, "--by-source"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("one problem list per source unit") && result.stdout.contains("increment "), "\(result.stdout)")

        let file = try AuditDocument.read(out.appendingPathComponent(AuditFiles.document))
        var expected: [String: Set<String>] = [:]
        for finding in file.findings {
            expected[AuditFiles.sourceFile(code: finding.sourceCode, name: finding.sourceUnit), default: []].insert(try #require(finding.findingID))
        }
        #expect(expected.count > 1, "the scenario's records come from several units")
        let folder = out.appendingPathComponent(AuditFiles.bySource)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(names) == Set(expected.keys))
        let findingsCSV = String(decoding: try Data(contentsOf: out.appendingPathComponent(AuditFiles.findings)).dropFirst(3), as: UTF8.self)
        let header = findingsCSV.components(separatedBy: "\r\n").first!
        var total = 0
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: data.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first == header)
            let ids = lines.dropFirst().compactMap { line in line.firstMatch(of: /^([0-9a-f]{16}),/).map { String($0.1) } }
            #expect(Set(ids) == expected[name], "\(name)")
            total += ids.count
        }
        #expect(total == file.findings.count)

        // Without the flag, a rerun leaves no stale split behind.
        let again = try await CLI.run(["hq", "audit"] + storage + ["--province", "440000", "--month", scenario.period.description, "--out", out.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }
}
