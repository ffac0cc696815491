import Foundation
import Gzip
import HQAudit
import HQNode
import HQStorage
import HQTestSupport
import LedgerCore
import LineInput
import Testing
import TestSupport

@Suite("Central register import")
struct RegisterImportTests {
    static func importer(_ fixture: StorageFixture, batchSize: Int = 10_000) -> RegisterImporter {
        RegisterImporter(register: fixture.storage.register, provinces: ["440000", "310000"], batchSize: batchSize)
    }

    @Test("NDJSON and gzip, each record under its province, bad lines reported as FILE:LINE, re-import adds nothing",
          arguments: StorageBackend.allCases)
    func importing(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend, records: [])
        let plain = fixture.directory.appending("central.ndjson")
        let lines = [
            TestRecords.json(1), TestRecords.json(2, province: "310000"), "{\"v\":1,", TestRecords.json(3, province: "990000"),
            "", TestRecords.json(4), TestRecords.json(1), String(repeating: "x", count: ChangeRecord.maximumSize + 1), TestRecords.json(5, province: "310000"),
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: plain, atomically: true, encoding: .utf8)
        // Two gzip members, as `cat a.gz b.gz` makes: both are read.
        let gzip = fixture.directory.appending("more.gz")
        let (first, second) = (try GzipCompressor(), try GzipCompressor())
        try Data(first.compress(Array((TestRecords.json(6) + "\n").utf8)) + first.finish()
                 + second.compress(Array((TestRecords.json(7, op: "revoke", id: "ADM-1") + "\n").utf8)) + second.finish())
            .write(to: gzip)

        var rejections: [String] = []
        let sources = [RegisterImporter.Source(name: "central.ndjson", path: plain.path), .init(name: "more.gz", path: gzip.path)]
        // Batches of two: the batch boundaries fall inside the file.
        let summary = try await Self.importer(fixture, batchSize: 2).run(sources) { rejections.append($0.description) }
        #expect(rejections.count == 3)
        #expect(rejections[0].hasPrefix("central.ndjson:3: "))
        #expect(rejections[1].hasPrefix("central.ndjson:4: ") && rejections[1].contains("990000"))
        #expect(rejections[2].hasPrefix("central.ndjson:8: ") && rejections[2].contains("65535"))
        #expect(summary.imported == 6 && summary.repeated == 1 && summary.rejected == 3 && summary.read == 7)
        #expect(summary.byProvince == ["440000": 4, "310000": 2])
        let register = fixture.storage.register
        #expect(try await register.size(province: "440000") == 4)
        #expect(try await register.size(province: "310000") == 2)
        #expect(try await register.provinces() == ["310000", "440000"])

        // The state: the latest change per key in key order (by bytes: "A" before "P"); a size cuts it.
        let full = try await register.state(province: "440000", size: 4, after: nil, limit: 100)
        #expect(full.map(\.key.id) == ["ADM-1", "P-1", "P-2", "P-6"])
        #expect(full.map(\.index) == [3, 0, 1, 2])
        #expect(try await register.state(province: "440000", size: 2, after: nil, limit: 100).map(\.key.id) == ["P-1", "P-2"])
        #expect(try await register.state(province: "440000", size: 4, after: full[0].key, limit: 1) == [full[1]])
        #expect(try await register.state(province: "310000", size: 2, after: nil, limit: 100).map(\.key.id) == ["P-2", "P-5"])

        // Again: nothing new.
        let again = try await Self.importer(fixture).run(sources) { _ in }
        #expect(again.imported == 0 && again.repeated == 7)
        #expect(try await register.size(province: "440000") == 4)
    }

    @Test("state pages of every size give the latest version per key, full until the last, past a record with many versions",
          arguments: StorageBackend.allCases)
    func statePages(backend: StorageBackend) async throws {
        let fixture = try await StorageFixture(backend, records: [])
        // P-1 … P-9, with 60 versions of P-5 in the middle: a run of versions in key order
        // (PostgreSQL reads a bounded run per query) can hold nothing but P-5's.
        var lines: [String] = []
        var latest: [String: Int] = [:]
        for n in 1...9 {
            for version in 0..<(n == 5 ? 60 : 1 + n % 2) {
                let number = n * 1_000 + version
                lines.append(TestRecords.json(number, id: "P-\(n)"))
                latest["P-\(n)"] = lines.count - 1
            }
        }
        let file = fixture.directory.appending("versions.ndjson")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try await Self.importer(fixture).run([.init(name: "versions.ndjson", path: file.path)]) { _ in }
        #expect(summary.imported == lines.count)

        let register = fixture.storage.register
        let size = UInt64(lines.count)
        let expected = latest.sorted { $0.key < $1.key }.map { ($0.key, UInt64($0.value)) }
        for limit in [1, 2, 3, 4, 8, 9, 100] {
            var pages: [[StateEntry]] = []
            var after: StateKey?
            while true {
                let page = try await register.state(province: "440000", size: size, after: after, limit: limit)
                pages.append(page)
                guard page.count == limit, let last = page.last else { break }
                after = last.key
            }
            #expect(pages.dropLast().allSatisfy { $0.count == limit }, "limit \(limit)")
            let state = pages.flatMap { $0 }
            #expect(state.map(\.key.id) == expected.map(\.0), "limit \(limit)")
            #expect(state.map(\.index) == expected.map(\.1), "limit \(limit)")
        }
    }

    @Test("a damaged gzip file stops the import with the file named; a missing file stores nothing")
    func damaged() async throws {
        let fixture = try await StorageFixture(.sqlite, records: [])
        let gzip = fixture.directory.appending("bad.gz")
        let compressor = try GzipCompressor()
        let bytes = compressor.compress(Array((TestRecords.json(1) + "\n").utf8)) + compressor.finish()
        try Data(bytes.dropLast(6)).write(to: gzip)
        await #expect(throws: AuditError.self) {
            _ = try await Self.importer(fixture).run([.init(name: "bad.gz", path: gzip.path)]) { _ in }
        }
        // Bytes after a member that do not start another one.
        let trailing = fixture.directory.appending("trailing.gz")
        try Data(bytes + Array("not gzip\n".utf8)).write(to: trailing)
        await #expect(throws: AuditError.self) {
            _ = try await Self.importer(fixture).run([.init(name: "trailing.gz", path: trailing.path)]) { _ in }
        }
        await #expect(throws: AuditError.self) {
            _ = try await Self.importer(fixture).run([.init(name: "good", path: gzip.path), .init(name: "missing", path: "/nonexistent/x.ndjson")]) { _ in }
        }
        #expect(try await fixture.storage.register.size(province: "440000") == 0)
    }
    @Test("a multi-member gzip stream inflates whole however its bytes are split; a single-member reader refuses the second member")
    func members() throws {
        let texts = ["first member\n", "second member\n", "third\n"]
        var bytes: [UInt8] = []
        for text in texts {
            let compressor = try GzipCompressor()
            bytes += compressor.compress(Array(text.utf8)) + compressor.finish()
        }
        for split in [1, 7, bytes.count] {
            let decompressor = try GzipDecompressor(multipleMembers: true)
            var output: [UInt8] = []
            for start in stride(from: 0, to: bytes.count, by: split) {
                try Array(bytes[start..<min(start + split, bytes.count)]).withUnsafeBytes { raw in
                    try decompressor.decompress(raw) { output += $0 }
                }
            }
            try decompressor.finish()
            #expect(String(decoding: output, as: UTF8.self) == texts.joined(), "split \(split)")
        }
        let single = try GzipDecompressor()
        #expect(throws: GzipError.self) { try bytes.withUnsafeBytes { raw in try single.decompress(raw) { _ in } } }
    }
}
