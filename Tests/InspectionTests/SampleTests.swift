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
            struct Member: Decodable {
                var uscc: String
                var risk_class: String
            }
            struct Expected: Decodable {
                var seed: String
                var keys: [String: String]
                var sample: [String]
            }
            var name: String
            var note_text: String
            var inspection_id: String
            var weights: [String: UInt64]
            var size: Int
            var population: [Member]
            var expected: Expected
        }
        var cases: [Case]
    }

    @Test("the vectors of Protocol/inspection.md, computed by an independent implementation, are what Swift computes")
    func vectors() throws {
        let file = try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: Self.vectors))
        #expect(file.cases.count >= 5)
        for vector in file.cases {
            let seed = SampleRanking.seed(noteText: vector.note_text, inspectionID: vector.inspection_id)
            #expect(seed.hex == vector.expected.seed, "\(vector.name): seed")
            let weights = try RiskWeights(parsing: vector.weights.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ","))
            let ranked = vector.population.map { member in
                SampleRanking.Ranked(uscc: member.uscc, key: SampleRanking.key(seed: seed, uscc: member.uscc), weight: weights.weight(of: member.risk_class))
            }
            for member in ranked {
                #expect(UInt64(String(vector.expected.keys[member.uscc] ?? ""), radix: 16) == member.key, "\(vector.name): key of \(member.uscc)")
            }
            #expect(SampleRanking.sample(ranked, size: vector.size).map(\.uscc) == vector.expected.sample, "\(vector.name): sample")
        }
    }

    @Test("the independent implementation (Python, hashlib) reproduces every vector")
    func independentImplementation() async throws {
        let script = Self.repository.appendingPathComponent("Tests/InspectionTests/Independent/sample.py").path
        let result = try await Shell.run("/usr/bin/env", ["python3", script, "check", Self.vectors.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("5 of 5 cases agree"))
    }

    static func members(_ count: Int) -> [LogScan.Member] {
        (0..<count).map { LogScan.Member(uscc: String(format: "9144%014d", $0), name: "企业\($0)", riskClass: RiskWeights.classes[$0 % 4]) }
    }

    static func checkpoint(size: UInt64, signer: Ed25519NoteSigner) throws -> VerifiedCheckpoint {
        try VerifiedCheckpoint.sign(Checkpoint(origin: signer.name, size: size, root: Hash([UInt8](repeating: UInt8(size % 251), count: 32))), with: signer)
    }

    @Test("the same inputs draw the same sample; another checkpoint or inspection id draws another")
    func determinism() throws {
        let signer = try Ed25519NoteSigner.generate(name: "creditsync.samr/province/440000")
        let members = Self.members(200)
        let first = try Self.checkpoint(size: 1_000, signer: signer)
        let a = try InspectionPlan.draw(checkpoint: first, inspectionID: "INSP-1", sampleSize: 10, weights: .standard, members: members)
        let again = try InspectionPlan.draw(checkpoint: first, inspectionID: "INSP-1", sampleSize: 10, weights: .standard, members: members.reversed())
        #expect(a.canonicalBytes == again.canonicalBytes)
        let otherID = try InspectionPlan.draw(checkpoint: first, inspectionID: "INSP-2", sampleSize: 10, weights: .standard, members: members)
        let otherCheckpoint = try InspectionPlan.draw(checkpoint: try Self.checkpoint(size: 1_001, signer: signer), inspectionID: "INSP-1",
                                                      sampleSize: 10, weights: .standard, members: members)
        #expect(otherID.sample.map(\.uscc) != a.sample.map(\.uscc))
        #expect(otherCheckpoint.sample.map(\.uscc) != a.sample.map(\.uscc))
        #expect(a.sample.map(\.rank) == Array(1...10))
        #expect(a.population == 200 && a.populationByClass == ["A": 50, "B": 50, "C": 50, "D": 50])
    }

    @Test("k ÷ w is compared exactly in 128 bits, ties broken by the USCC's bytes")
    func exactOrder() {
        // 2^63 ÷ 2 and (2^62 + 1) ÷ 1 differ by 1 ÷ 1 at 2^62: a float comparison calls them equal.
        let a = SampleRanking.Ranked(uscc: "B", key: 1 << 63, weight: 2)
        let b = SampleRanking.Ranked(uscc: "A", key: (1 << 62) + 1, weight: 1)
        #expect(SampleRanking.precedes(a, b))
        #expect(!SampleRanking.precedes(b, a))
        let tie1 = SampleRanking.Ranked(uscc: "91440000000000000B", key: 6, weight: 3)
        let tie2 = SampleRanking.Ranked(uscc: "91440000000000000A", key: 4, weight: 2)
        #expect(SampleRanking.sample([tie1, tie2], size: 2).map(\.uscc) == ["91440000000000000A", "91440000000000000B"])
    }

    @Test("over many inspections each class is sampled in proportion to its weight")
    func inclusionFollowsWeights() async throws {
        // 400 entities, 100 per class, samples of 20 over 3,000 inspection ids. Sequential Poisson
        // sampling includes entity i with probability ≈ N·w_i ÷ Σw while that is small (here at
        // most 0.107), so class c's expected count is runs·N·100·w_c ÷ Σw (A 4,000 … D 32,000).
        // Tolerance 8%: about four standard deviations of class A's count, the noisiest.
        let members = Self.members(400)
        let weights = RiskWeights.standard
        let totalWeight = Double(members.reduce(0) { $0 + weights.weight(of: $1.riskClass) })
        let (runs, size) = (3_000, 20)
        var counts: [String: Int] = [:]
        for run in 0..<runs {
            if run % 100 == 0 { await Task.yield() }  // a long loop: let the suite's other tests run
            let seed = SampleRanking.seed(noteText: "creditsync.samr/province/440000\n1000\nAAAA\n", inspectionID: "statistics-\(run)")
            let ranked = members.map { SampleRanking.Ranked(uscc: $0.uscc, key: SampleRanking.key(seed: seed, uscc: $0.uscc), weight: weights.weight(of: $0.riskClass)) }
            for chosen in SampleRanking.sample(ranked, size: size) { counts[members[Int(chosen.uscc.suffix(14))!].riskClass, default: 0] += 1 }
        }
        for riskClass in RiskWeights.classes {
            let expected = Double(runs * size * 100) * Double(weights.weight(of: riskClass)) / totalWeight
            let observed = Double(counts[riskClass] ?? 0)
            #expect(abs(observed - expected) / expected < 0.08, "class \(riskClass): \(observed) sampled, \(expected) expected")
        }
    }

    @Test("weights: classes left out keep their standard weight; zero, unknown classes and junk are refused")
    func weights() throws {
        #expect(try RiskWeights(parsing: "D=20").text == "A=1,B=2,C=4,D=20")
        for bad in ["A=0", "E=1", "A=1.5", "A=-1", "A", "A=1,,B=2", "A=1000001", "A=１"] {
            #expect(throws: InspectionError.self, "\(bad)") { try RiskWeights(parsing: bad) }
        }
    }
}
