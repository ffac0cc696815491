import Foundation
import Gzip
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Testing
import TestSupport

@Suite("Inspection bundles")
struct BundleTests {
    @Test("a bundle verifies offline: enrolled keys, HQ receipt, the order of the draw, every record's proofs, the log and the sample", arguments: [SuiteID.sha256Ed25519, .sm3SM2])
    func verifies(suite: SuiteID) async throws {
        let fixture = try await InspectionFixture.make(records: 600, suite: Suites.named(suite))
        let plan = try await fixture.plan()
        let bundle = try fixture.verify(try await fixture.bundle(plan))
        #expect(bundle.plan == plan)
        #expect(bundle.suite == suite)
        #expect(bundle.receipts == [try VerifierKey(parsing: fixture.hqKey).described])
        #expect(bundle.entries == fixture.checkpoint.size)
        #expect(bundle.point.size == fixture.checkpoint.size && bundle.point.feedSize == 1 && bundle.point.size == fixture.recordsCheckpoint.size + 1)
        // Every stratum drew its count, and every record is the latest entry of its key, current.
        #expect(plan.sample.count == InspectionFixture.strata.reduce(0) { $0 + $1.count })
        for stratum in InspectionFixture.strata {
            #expect(plan.sample.filter { $0.stratum == stratum.name && $0.category == stratum.name }.map(\.rank) == Array(1...stratum.count))
        }
        #expect(bundle.records.map(\.index) == plan.sample.map(\.index))
        for record in bundle.records {
            let state = try #require(try await fixture.ledger.store.state(category: record.category, id: record.id))
            #expect(state.lastIndex == record.index)
            #expect(try await fixture.ledger.store.entry(at: record.index) == record.entry)
            #expect(record.value["op"]?.stringValue == "upsert")
            #expect(record.central == nil)  // a province's own ledger has no central register
            let tlog = try TLogProof(parsing: record.tlogProof)
            #expect(tlog.index == record.index && tlog.hashes == record.proof.hashes && tlog.checkpoint == plan.checkpointText)
        }
    }

    @Test("one changed byte anywhere in the bundle file fails verification")
    func everyByte() async throws {
        let fixture = try await InspectionFixture.make(records: 40)
        let url = try await fixture.bundle(try await fixture.plan())
        let original = try Data(contentsOf: url)
        _ = try fixture.verify(url)
        let damaged = fixture.directory.appending("damaged.bundle")
        var passed: [Int] = []
        for offset in 0..<original.count {
            if offset % 256 == 0 { await Task.yield() }  // a long loop: let the suite's other tests run
            var bytes = original
            bytes[offset] ^= 0x01
            try bytes.write(to: damaged)
            if (try? fixture.verify(damaged)) != nil { passed.append(offset) }
        }
        #expect(passed.isEmpty, "bytes whose change went unnoticed: \(passed.prefix(20))")
        #expect(original.count > 1_000)
    }

    @Test("a change deflate's decoder cannot see (it inflates to the same content) is refused too")
    func deflateSlack() async throws {
        // Deflate has bits its decoder ignores: about one 6 KB bundle in four has a byte whose
        // change inflates to the same lines with a valid CRC. Find one, and check the trailing
        // digest refuses it.
        for attempt in 1...24 {
            let fixture = try await InspectionFixture.make(records: 40, seed: UInt64(attempt))
            let damaged = fixture.directory.appending("slack.bundle")
            let url = try await fixture.bundle(try await fixture.plan(), name: "attempt.bundle")
            let original = try Data(contentsOf: url)
            let content = try Self.inflate(original.dropLast(32))
            for offset in 10..<(original.count - 32) {
                if offset % 256 == 0 { await Task.yield() }
                var bytes = original
                bytes[offset] ^= 0x01
                guard let inflated = try? Self.inflate(bytes.dropLast(32)), inflated == content else { continue }
                try bytes.write(to: damaged)
                #expect(performing: { try fixture.verify(damaged) }, throws: { ($0 as? InspectionError)?.message.contains("SHA-256") == true })
                return
            }
        }
        Issue.record("no byte deflate ignores in 24 bundles: the test no longer shows anything")
    }

    static func inflate(_ bytes: Data) throws -> [UInt8] {
        let decompressor = try GzipDecompressor()
        var content: [UInt8] = []
        try bytes.withUnsafeBytes { raw in try decompressor.decompress(raw) { content.append(contentsOf: $0) } }
        try decompressor.finish()
        return content
    }

    /// The bundle's lines, inflated.
    static func lines(_ url: URL) throws -> [[UInt8]] {
        let decompressor = try GzipDecompressor()
        var content: [UInt8] = []
        try Data(contentsOf: url).dropLast(32).withUnsafeBytes { raw in try decompressor.decompress(raw) { content.append(contentsOf: $0) } }
        return content.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// Writes `lines` as a bundle again, compressed and digested as the writer does: only the
    /// content changed.
    static func write(_ lines: [[UInt8]], to url: URL) throws {
        let compressor = try GzipCompressor(level: 6)
        var content: [UInt8] = []
        for line in lines { content += line + [0x0A] }
        let member = compressor.compress(content) + compressor.finish()
        try Data(member + SHA256Algorithm().hash(member).bytes).write(to: url)
    }

    static func editing(_ line: [UInt8], _ body: (inout String) -> Void) -> [UInt8] {
        var text = String(decoding: line, as: UTF8.self)
        body(&text)
        return Array(text.utf8)
    }

    @Test("edited content, recompressed so gzip's checks pass, fails on what was edited")
    func editedContent() async throws {
        let fixture = try await InspectionFixture.make(records: 300)
        let plan = try await fixture.plan()
        let url = try await fixture.bundle(plan)
        let lines = try Self.lines(url)
        let header = try JSONParser.parse(lines[0])
        guard case .number(let announced) = header["records"] else { Issue.record("no record count in the header"); return }
        let recordCount = Int(announced)
        let edited = fixture.directory.appending("edited.bundle")
        let name = plan.sample[0].name
        let firstEntry = String(decoding: lines[recordCount + 1], as: UTF8.self)
        let otherSecret = String(repeating: "0", count: 64)

        let cases: [(String, [[UInt8]], InspectionErrorCode, String)] = [
            ("the sampled name", { var l = lines; l[0] = Self.editing(l[0]) { $0 = $0.replacingOccurrences(of: "\"name\":\"\(name)\"", with: "\"name\":\"\(name)分公司\"") }; return l }(),
             .verification, "rank 1"),
            ("the revealed secret", { var l = lines; l[0] = Self.editing(l[0]) { $0 = $0.replacingOccurrences(of: fixture.secret.hex, with: otherSecret) }; return l }(),
             .verification, "does not match the notice's commitment"),
            ("the inspection id, in the notice too", { var l = lines; l[0] = Self.editing(l[0]) { $0 = $0.replacingOccurrences(of: "2026-HQ-INSP-001", with: "2026-HQ-INSP-002") }; return l }(),
             .order, "is not entry 0 of HQ's feed checkpoint"),
            ("a stratum's count, in the notice", { var l = lines; l[0] = Self.editing(l[0]) { $0 = $0.replacingOccurrences(of: "{\\\"count\\\":2,\\\"stratum\\\":\\\"registration\\\"}", with: "{\\\"count\\\":3,\\\"stratum\\\":\\\"registration\\\"}") }; return l }(),
             .order, "is not entry 0 of HQ's feed checkpoint"),
            ("a record's entry", { var l = lines; l[1] = Self.editing(l[1]) { $0 = $0.replacingOccurrences(of: "\\\"op\\\":\\\"upsert\\\"", with: "\\\"op\\\":\\\"revoke\\\"") }; return l }(),
             .verification, "do not hash to the leaf"),
            ("a log entry", { var l = lines; l[recordCount + 1] = Array(firstEntry.replacingOccurrences(of: "\"v\":1", with: "\"v\":2").utf8); return l }(),
             .verification, "the log in the bundle has root"),
            ("a record left out", { var l = lines; l.remove(at: 1); l[0] = Self.editing(l[0]) { $0 = $0.replacingOccurrences(of: "\"records\":\(recordCount)", with: "\"records\":\(recordCount - 1)") }; return l }(),
             .verification, "not the plan's sampled record at this place"),
            ("the plan's tree size", { var l = lines; l[0] = Self.editing(l[0]) { $0 = $0.replacingOccurrences(of: "\"tree_size\":\(fixture.checkpoint.size)", with: "\"tree_size\":\(fixture.checkpoint.size + 1)") }; return l }(),
             .verification, "members disagree"),
            ("a log entry left out", { var l = lines; l.removeLast(); return l }(), .verification, "log entries"),
            ("a line added", lines + [lines[lines.count - 1]], .verification, "more lines"),
            ("non-canonical JSON", { var l = lines; l[0] = [0x20] + l[0]; return l }(), .verification, "not canonical JSON"),
        ]
        for (what, content, code, message) in cases {
            #expect(content != lines, "\(what): the edit changed nothing")
            try Self.write(content, to: edited)
            Self.expectFailure(fixture, edited, code: code, containing: message, what)
        }
    }

    @Test("a forged HQ receipt, a checkpoint signed by another key, or a plan drawn from another log is refused")
    func forgeries() async throws {
        let fixture = try await InspectionFixture.make(records: 200)
        let plan = try await fixture.plan()
        let url = try await fixture.bundle(plan)
        let lines = try Self.lines(url)
        let edited = fixture.directory.appending("forged.bundle")

        // A receipt by another HQ key, claiming to be HQ's.
        let impostor = try Cosigner.generate(name: "creditsync.samr/hq")
        let forged = try impostor.cosign(fixture.checkpoint.checkpoint, time: 1_764_547_200).line
        let genuine = try #require(try await fixture.ledger.store.receipts(size: fixture.checkpoint.size).first).signature.line
        var header = lines
        header[0] = Array(CanonicalJSON.encode(try JSONParser.parse(Self.editing(lines[0]) {
            $0 = $0.replacingOccurrences(of: Self.jsonString(genuine), with: Self.jsonString(forged))
        })))
        #expect(header[0] != lines[0])
        try Self.write(header, to: edited)
        #expect(throws: InspectionError.self) { try fixture.verify(edited) }

        // The province's log key swapped for another: not the key HQ enrolled.
        let other = try Ed25519NoteSigner.generate(name: fixture.checkpoint.checkpoint.origin)
        let keyLine = Self.editing(lines[0]) { $0 = $0.replacingOccurrences(of: fixture.ledger.signer.verifierKey, with: other.verifierKey) }
        try Self.write([keyLine] + lines.dropFirst(), to: edited)
        #expect(performing: { try fixture.verify(edited) }, throws: {
            ($0 as? InspectionError)?.codeValue == .trust && ($0 as? InspectionError)?.message.contains("is not the key HQ enrolled for creditsync.samr/province/440000") == true
        })

        // `inspect bundle` refuses a plan that does not follow from the log.
        var tampered = plan
        tampered.sample.swapAt(0, 1)
        await #expect(throws: InspectionError.self) { try await fixture.bundle(tampered, name: "refused.bundle") }
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appending("refused.bundle").path))
    }

    static func expectFailure(_ fixture: InspectionFixture, _ url: URL, code: InspectionErrorCode = .verification, containing message: String, _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try fixture.verify(url)
            Issue.record("\(what): the edited bundle verified", sourceLocation: sourceLocation)
        } catch let error as InspectionError {
            #expect(error.codeValue == code && error.message.contains(message), "\(what): \(error.codeValue) \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    static func jsonString(_ text: String) -> String {
        let encoded = String(decoding: CanonicalJSON.encode(.string(text)), as: UTF8.self)
        return String(encoded.dropFirst().dropLast())
    }

    @Test("a checkpoint that is not this log's is refused when planning")
    func foreignCheckpoint() async throws {
        let fixture = try await InspectionFixture.make(records: 50)
        let other = try await InspectionFixture.make(records: 60, seed: 8)
        await #expect(performing: { try await fixture.log.verifyCheckpoint(other.checkpoint.text) },
                      throws: { ($0 as? InspectionError)?.codeValue == .checkpoint })
    }
}
