import Foundation
@testable import HQAudit
import Testing

@Suite("The audit's work files: projections sorted by entity through runs on disk")
struct AuditScratchTests {
    /// USCCs that test the packed sort key: valid codes, prefixes of each other, zero bytes,
    /// non-ASCII, and long ones that share their first 24 bytes.
    static let usccs = [
        "91440300MA5FXXXX1X", "91440300MA5FXXXX1", "91440300MA5FXXXX1X0", "", "9", "9\u{0}", "9\u{0}\u{0}",
        "91440300MA5FXXXX1X-long-tail-a", "91440300MA5FXXXX1X-long-tail-b", "91440300MA5FXXXX1X-long-tail", "91440300MA5FXXXX1X-long-",
        "９１４４０３", "91440300é", "91440300e\u{301}", "ZZZ", "abc",
    ]

    @Test("rows come back grouped by entity in byte order, each entity whole and in log order, across many runs", arguments: [1, 3, 16, 1_000])
    func order(runRows: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)")
        let scratch = try AuditScratch(directory: directory, runRows: runRows)
        defer { scratch.remove() }
        var generator = SystemRandomNumberGenerator()
        var added: [(uscc: String, index: UInt64)] = []
        for index in (0..<400).map(UInt64.init).shuffled(using: &generator) {
            let uscc = Self.usccs.randomElement(using: &generator)!
            added.append((uscc, index))
            try scratch.add(uscc: uscc, .init(index: index, mask: UInt8(index % 128), data: Array("{\"i\":\(index)}".utf8),
                                              digest: index % 3 == 0 ? nil : "d\(index)"))
        }
        var read: [(uscc: String, index: UInt64)] = []
        var entities: [String] = []
        while true {
            let page = try scratch.entities(rows: 7)
            guard !page.isEmpty else { break }
            for (uscc, rows) in page {
                entities.append(uscc)
                for row in rows {
                    #expect(row.data == Array("{\"i\":\(row.index)}".utf8))
                    #expect(row.mask == UInt8(row.index % 128))
                    #expect(row.digest == (row.index % 3 == 0 ? nil : "d\(row.index)"))
                    read.append((uscc, row.index))
                }
            }
        }
        let expected = added.sorted { a, b in
            let (x, y) = (Array(a.uscc.utf8), Array(b.uscc.utf8))
            return x != y ? x.lexicographicallyPrecedes(y) : a.index < b.index
        }
        #expect(read.map { Array($0.uscc.utf8) } == expected.map { Array($0.uscc.utf8) })
        #expect(read.map(\.index) == expected.map(\.index))
        // Each entity once: pages never split one, and canonically equivalent spellings stay apart.
        #expect(entities.map { Array($0.utf8) } == Set(added.map { Array($0.uscc.utf8) }).sorted { $0.lexicographicallyPrecedes($1) })
    }
}
