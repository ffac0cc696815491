import Foundation
import Inspection
import LedgerCore
import Testing
import TestSupport

@Suite("Inspection sample")
struct SampleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vectors = repository.appendingPathComponent("Protocol/inspection-vectors.json")

    struct VectorFile: Decodable {
        struct Case: Decodable {
            struct Expected: Decodable {
                var commitment: String
                var seed: String
                var population: [String: Int]
                var keys: [String: String]
                var sample: [String]
            }
            var name: String
            var notice: String
            var secret: String
            var note_text: String
            var log: [String]
            var expected: Expected
        }
        var cases: [Case]
    }

    /// The population of `log` for `notice`, as `RecordScan` reads it (`runRows`: rows per
    /// sorted run of its external sort).
    static func members(_ notice: InspectionNotice, _ log: [String], runRows: Int = 200_000) throws -> [RecordScan.Member] {
        var scan = RecordScan(notice: notice, runRows: runRows)
        for entry in log { try scan.add(Array(entry.utf8)) }
        return try scan.members()
    }

    @Test("the vectors of Protocol/inspection.md, computed by an independent implementation, are what Swift computes")
    func vectors() throws {
        let file = try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: Self.vectors))
        #expect(file.cases.count >= 6)
        for vector in file.cases {
            let notice = try InspectionNotice(entry: Array(vector.notice.utf8))
            let secret = try #require([UInt8](hex: vector.secret))
            #expect(InspectionNotice.commitment(secret: secret) == vector.expected.commitment, "\(vector.name): commitment")
            #expect(notice.commitment == vector.expected.commitment, "\(vector.name): the notice commits to the secret")
            let seed = StratifiedSample.seed(notice: Array(vector.notice.utf8), secret: secret, noteText: vector.note_text)
            #expect(seed.hex == vector.expected.seed, "\(vector.name): seed")
            let members = try Self.members(notice, vector.log)
            // The same through runs of two rows each, merged from disk.
            #expect(try Self.members(notice, vector.log, runRows: 2) == members, "\(vector.name): external sort")
            for member in members {
                let key = StratifiedSample.key(seed: seed, category: member.category, id: member.id)
                #expect(UInt64(vector.expected.keys["\(member.category)/\(member.id)"] ?? "", radix: 16) == key, "\(vector.name): key of \(member.id)")
            }
            #expect(members.count == vector.expected.keys.count, "\(vector.name): population")
            let (sample, population) = StratifiedSample.draw(notice: notice, seed: seed, members: members)
            #expect(population == vector.expected.population, "\(vector.name): population per stratum")
            #expect(sample.map { "\($0.stratum) \($0.rank) \($0.category)/\($0.id) \($0.index)" } == vector.expected.sample, "\(vector.name): sample")
        }
    }

    @Test("the independent implementation (Python, hashlib) reproduces every vector")
    func independentImplementation() async throws {
        let script = Self.repository.appendingPathComponent("Tests/InspectionTests/Independent/sample.py").path
        let result = try await Shell.run("/usr/bin/env", ["python3", script, "check", Self.vectors.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("6 of 6 cases agree"))
    }

    static func notice(strata: [InspectionNotice.Stratum] = [.init(name: "admin_penalty", count: 10)], secret: [UInt8] = [UInt8](repeating: 7, count: 32)) throws -> InspectionNotice {
        try InspectionNotice(inspectionID: "INSP-1", province: "440000", strata: strata, fixedClaims: [], scopeFrom: "2023-12-08",
                             rulesVersion: "2026.9", rulesSHA256: String(repeating: "a", count: 64),
                             commitment: InspectionNotice.commitment(secret: secret), announcedOn: "2026-12-07")
    }

    static func population(_ count: Int, category: String = "admin_penalty") -> [RecordScan.Member] {
        (0..<count).map { RecordScan.Member(category: category, id: "PEN-\($0)", index: UInt64($0), stratum: category) }
    }

    @Test("the same inputs draw the same sample; another secret or checkpoint draws another")
    func determinism() throws {
        let notice = try Self.notice()
        let bytes = notice.canonicalBytes
        let members = Self.population(200)
        let secret = [UInt8](repeating: 7, count: 32)
        let seed = StratifiedSample.seed(notice: bytes, secret: secret, noteText: "o\n1000\nAAAA\n")
        let a = StratifiedSample.draw(notice: notice, seed: seed, members: members).sample
        #expect(StratifiedSample.draw(notice: notice, seed: seed, members: members.reversed()).sample == a)
        let otherSecret = StratifiedSample.seed(notice: bytes, secret: [UInt8](repeating: 8, count: 32), noteText: "o\n1000\nAAAA\n")
        let otherCheckpoint = StratifiedSample.seed(notice: bytes, secret: secret, noteText: "o\n1001\nAAAA\n")
        #expect(StratifiedSample.draw(notice: notice, seed: otherSecret, members: members).sample.map(\.id) != a.map(\.id))
        #expect(StratifiedSample.draw(notice: notice, seed: otherCheckpoint, members: members).sample.map(\.id) != a.map(\.id))
        #expect(a.map(\.rank) == Array(1...10))
    }

    @Test("over many inspections every record of a stratum is drawn equally often")
    func uniformWithinStratum() async throws {
        // 100 records, samples of 10 over 3,000 seeds: each record is drawn with probability 0.1,
        // 300 times expected; the tolerance is four standard deviations (√(3000·0.1·0.9) ≈ 16.4).
        let notice = try Self.notice()
        let members = Self.population(100)
        var counts: [String: Int] = [:]
        for run in 0..<3_000 {
            if run % 200 == 0 { await Task.yield() }
            let seed = StratifiedSample.seed(notice: notice.canonicalBytes, secret: [UInt8](repeating: 7, count: 32), noteText: "run \(run)\n")
            for item in StratifiedSample.draw(notice: notice, seed: seed, members: members).sample { counts[item.id, default: 0] += 1 }
        }
        for member in members {
            let observed = counts[member.id] ?? 0
            #expect(abs(observed - 300) < 66, "\(member.id): drawn \(observed) times, 300 expected")
        }
    }

    @Test("a notice refuses what is not one: bad id, strata, counts, claims, dates and hashes")
    func noticeValidation() throws {
        let good = try Self.notice()
        #expect(try InspectionNotice(entry: good.canonicalBytes) == good)
        let cases: [(String, () throws -> InspectionNotice)] = [
            ("no strata", { try Self.notice(strata: []) }),
            ("a zero count", { try Self.notice(strata: [.init(name: "admin_penalty", count: 0)]) }),
            ("a count over the limit", { try Self.notice(strata: [.init(name: "admin_penalty", count: 10_001)]) }),
            ("a stratum twice", { try Self.notice(strata: [.init(name: "a", count: 1), .init(name: "a", count: 2)]) }),
            ("an upper-case stratum", { try Self.notice(strata: [.init(name: "Admin", count: 1)]) }),
            ("a claim without a slash", {
                try InspectionNotice(inspectionID: "X", province: "440000", strata: good.strata, fixedClaims: ["PEN-1"], scopeFrom: "2023-12-08",
                                     rulesVersion: "v", rulesSHA256: good.rulesSHA256, commitment: good.commitment, announcedOn: "2026-12-07")
            }),
            ("a bad scope date", {
                try InspectionNotice(inspectionID: "X", province: "440000", strata: good.strata, fixedClaims: [], scopeFrom: "2023-12",
                                     rulesVersion: "v", rulesSHA256: good.rulesSHA256, commitment: good.commitment, announcedOn: "2026-12-07")
            }),
            ("a short commitment", {
                try InspectionNotice(inspectionID: "X", province: "440000", strata: good.strata, fixedClaims: [], scopeFrom: "2023-12-08",
                                     rulesVersion: "v", rulesSHA256: good.rulesSHA256, commitment: "abc", announcedOn: "2026-12-07")
            }),
        ]
        for (what, make) in cases {
            #expect(throws: InspectionError.self, "\(what)") { _ = try make() }
        }
        // The feed entry read back must be exactly the notice: an extra member is refused.
        var text = String(decoding: good.canonicalBytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"v\":1", with: "\"v\":1,\"x\":1")
        #expect(throws: InspectionError.self) { _ = try InspectionNotice(entry: Array(text.utf8)) }
    }

    @Test("the external sort finds every key's latest entry, over many runs, as a map of all keys would")
    func externalSort() throws {
        let notice = try Self.notice(strata: [.init(name: "admin_penalty", count: 10), .init(name: "registration", count: 10)])
        var generator = SplitMix(seed: 27)  // seeded: a failure reproduces
        var log: [String] = []
        var latest: [[UInt8]: (index: Int, live: Bool, category: String, id: String)] = [:]
        for index in 0..<5_000 {
            let category = ["admin_penalty", "registration", "trademark"][Int.random(in: 0...2, using: &generator)]
            let id = ["PEN-\(Int.random(in: 0..<700, using: &generator))", "café-\(index % 50)", "cafe\u{301}-\(index % 50)"][Int.random(in: 0...2, using: &generator)]
            let live = Int.random(in: 0..<5, using: &generator) != 0
            log.append(#"{"category":"\#(category)","id":"\#(id)","occurred_at":"2025-01-01","op":"\#(live ? "upsert" : "revoke")"}"#)
            if category != "trademark" { latest[Array(category.utf8) + [0x2F] + Array(id.utf8)] = (index, live, category, id) }
        }
        let expected = latest.values.filter(\.live).map { RecordScan.Member(category: $0.category, id: $0.id, index: UInt64($0.index), stratum: $0.category) }
            .sorted { $0.index < $1.index }
        #expect(try Self.members(notice, log, runRows: 97) == expected)
        // More runs than are merged at once (about 170 of 20 rows): merged in two levels.
        #expect(try Self.members(notice, log, runRows: 20) == expected)
        // The runs go to files, which go with the scan.
        let work = try TemporaryDirectory("runs")
        do {
            var scan = RecordScan(notice: notice, runRows: 20, workDirectory: work.url)
            for entry in log { try scan.add(Array(entry.utf8)) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path).filter { $0.hasSuffix(".run") }.count > 64)
            #expect(try scan.members() == expected)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path).isEmpty)
        #expect(try Self.members(notice, log) == expected)
        #expect(expected.count > 500)
    }
}

/// SplitMix64: a seeded generator for tests that must reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
