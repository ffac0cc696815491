import Foundation
import LedgerCore

/// The audit's work files on local disk: the projections (`GroupChecker.projection`) of the
/// live records that take part in cross-record checks, written during the merge in key order
/// and read back grouped by entity (`entity.uscc`) for `GroupChecker`. An external merge sort:
/// rows are sorted in memory `runRows` at a time and written as sorted runs, then read back
/// through a k-way merge, so memory is one run plus a small buffer per run whatever the
/// province's size. The directory is deleted when the audit ends.
///
/// Written by hand: the SQLite work table it replaces spent 2.8 s of a 200k-record audit's
/// 12 s building an index on the entity and reading rows back in its order (a random row
/// lookup each); sorted runs are written and read sequentially.
final class AuditScratch {
    struct Row: Sendable, Equatable {
        var index: UInt64
        /// The dimensions the record already failed (bit i: `QualityDimension.allCases[i]`).
        var mask: UInt8
        /// The projection's canonical JSON.
        var data: [UInt8]
        var digest: String?
        /// Context only: a record outside the audit's scope, there so that in-scope records find
        /// what they refer to (an old registration); its own findings are dropped.
        var context = false
    }

    struct Keyed: Sendable, Equatable {
        var uscc: String
        var key: EntityKey
        var row: Row

        init(uscc: String, row: Row) {
            self.uscc = uscc
            key = EntityKey(uscc)
            self.row = row
        }

        /// Entity (USCC by UTF-8 bytes), then log index.
        static func precedes(_ a: Keyed, _ b: Keyed) -> Bool {
            let order = EntityKey.compare(a.key, b.key, a.uscc, b.uscc)
            return order != 0 ? order < 0 : a.row.index < b.row.index
        }

        func sameEntity(as other: Keyed) -> Bool { EntityKey.compare(key, other.key, uscc, other.uscc) == 0 }
    }

    /// A USCC as an ordering key that compares without touching the string: its first 24 UTF-8
    /// bytes as three big-endian words (zero-padded), and its length. Keys order as the bytes
    /// do; only two USCCs longer than 24 bytes that share those (never valid codes, which
    /// have 18) are compared by their strings. Sorting the runs by the strings themselves was
    /// 5% of a 1M audit's CPU, most of it reference counting.
    struct EntityKey: Sendable, Equatable {
        var high: UInt64
        var middle: UInt64
        var low: UInt64
        var count: Int

        init(_ uscc: String) {
            (high, middle, low, count) = (0, 0, 0, 0)
            for byte in uscc.utf8 {
                let bits = UInt64(byte) << UInt64(56 - 8 * (count % 8))
                switch count / 8 {
                case 0: high |= bits
                case 1: middle |= bits
                case 2: low |= bits
                default: break
                }
                count += 1
            }
        }

        /// -1, 0 or 1 as `a`'s USCC orders before, with or after `b`'s by UTF-8 bytes.
        static func compare(_ a: EntityKey, _ b: EntityKey, _ aText: @autoclosure () -> String, _ bText: @autoclosure () -> String) -> Int {
            if a.high != b.high { return a.high < b.high ? -1 : 1 }
            if a.middle != b.middle { return a.middle < b.middle ? -1 : 1 }
            if a.low != b.low { return a.low < b.low ? -1 : 1 }
            if a.count > 24 && b.count > 24 {
                let (x, y) = (Array(aText().utf8), Array(bText().utf8))
                return x == y ? 0 : x.lexicographicallyPrecedes(y) ? -1 : 1
            }
            // Equal first bytes and at most one of them longer: the shorter is a prefix.
            return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
        }
    }

    let directory: URL
    private var pending: [Keyed] = []
    private var runs: [URL] = []
    private var merger: RunMerger?
    /// About 4 MiB of projections per run at the generated records' ~200 bytes each.
    static let runRows = 16_384
    let runRows: Int

    init(directory: URL, runRows: Int = AuditScratch.runRows) throws {
        self.directory = directory
        self.runRows = max(1, runRows)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        pending.reserveCapacity(self.runRows)
    }

    func add(uscc: String, _ row: Row) throws {
        pending.append(Keyed(uscc: uscc, row: row))
        if pending.count >= runRows { try writeRun() }
    }

    private func writeRun() throws {
        guard !pending.isEmpty else { return }
        // Sort plain keys and positions, then write the rows in that order: no row is moved.
        let rows = pending
        var order = rows.indices.map { (key: rows[$0].key, index: rows[$0].row.index, position: $0) }
        order.sort { a, b in
            let byEntity = EntityKey.compare(a.key, b.key, rows[a.position].uscc, rows[b.position].uscc)
            return byEntity != 0 ? byEntity < 0 : a.index < b.index
        }
        let url = directory.appendingPathComponent("run-\(runs.count)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw AuditError(.output, "cannot write the audit's work file \(url.path)", hint: "check the disk space of the output directory")
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(RunReader.chunk * 2)
        do {
            for (_, _, position) in order {
                RunCoding.append(rows[position], to: &bytes)
                if bytes.count >= RunReader.chunk {
                    try handle.write(contentsOf: bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: bytes)
        } catch {
            throw AuditError(.output, "cannot write the audit's work file \(url.path): \(error.localizedDescription)", hint: "check the disk space of the output directory")
        }
        runs.append(url)
        pending.removeAll(keepingCapacity: true)
    }

    /// The next entities in USCC order, each with its records in log order: about `rows` rows,
    /// whole entities only. Empty at the end.
    func entities(rows: Int) throws -> [(uscc: String, rows: [Row])] {
        if merger == nil {
            try writeRun()
            pending = []
            merger = try RunMerger(runs)
        }
        var entities: [(uscc: String, rows: [Row])] = []
        var previous: Keyed?
        var count = 0
        while let next = try merger!.peek() {
            if let last = previous, last.sameEntity(as: next) {
                entities[entities.count - 1].rows.append(next.row)
            } else {
                if count >= rows { break }
                entities.append((next.uscc, [next.row]))
                previous = next
            }
            count += 1
            try merger!.advance()
        }
        return entities
    }

    func remove() {
        merger = nil
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A run's rows as bytes: USCC length (u16) and bytes, index (u64), mask (u8), flags (u8: 1 for
/// context only), data length (u32) and bytes, digest length (u8, 255 for none) and bytes;
/// integers big-endian.
enum RunCoding {
    static func append(_ keyed: AuditScratch.Keyed, to bytes: inout [UInt8]) {
        let uscc = Array(keyed.uscc.utf8)
        append(UInt64(uscc.count), width: 2, to: &bytes)
        bytes += uscc
        append(keyed.row.index, width: 8, to: &bytes)
        bytes.append(keyed.row.mask)
        bytes.append(keyed.row.context ? 1 : 0)
        append(UInt64(keyed.row.data.count), width: 4, to: &bytes)
        bytes += keyed.row.data
        if let digest = keyed.row.digest.map({ Array($0.utf8) }), digest.count < 255 {
            bytes.append(UInt8(digest.count))
            bytes += digest
        } else {
            bytes.append(255)
        }
    }

    static func append(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// Reads one run sequentially through a 64 KiB buffer.
struct RunReader {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var position = 0
    static let chunk = 64 * 1024

    init(_ url: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw AuditError(.output, "cannot read the audit's work file \(url.path)", hint: "check the output directory")
        }
        self.handle = handle
    }

    /// The next `count` bytes; nil at a clean end of the run.
    mutating func take(_ count: Int) throws -> ArraySlice<UInt8>? {
        while buffer.count - position < count {
            let more = try handle.read(upToCount: max(Self.chunk, count)) ?? Data()
            if more.isEmpty {
                guard position == buffer.count else { throw AuditError(.output, "an audit work file is cut short", hint: "check the disk") }
                return nil
            }
            buffer.removeFirst(position)
            position = 0
            buffer += more
        }
        defer { position += count }
        return buffer[position..<(position + count)]
    }

    mutating func next() throws -> AuditScratch.Keyed? {
        guard let length = try take(2) else { return nil }
        func number(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }
        func required(_ count: Int) throws -> ArraySlice<UInt8> {
            guard let bytes = try take(count) else { throw AuditError(.output, "an audit work file is cut short", hint: "check the disk") }
            return bytes
        }
        let uscc = String(decoding: try required(Int(number(length))), as: UTF8.self)
        let index = number(try required(8))
        let mask = try required(1).first!
        let context = try required(1).first! & 1 != 0
        let data = Array(try required(Int(number(try required(4)))))
        let digestLength = Int(try required(1).first!)
        let digest = digestLength == 255 ? nil : String(decoding: try required(digestLength), as: UTF8.self)
        return AuditScratch.Keyed(uscc: uscc, row: AuditScratch.Row(index: index, mask: mask, data: data, digest: digest, context: context))
    }
}

/// The k-way merge of sorted runs: the smallest head first, by a binary heap.
struct RunMerger {
    var readers: [RunReader]
    /// (head row, run number), a min-heap by `Keyed.precedes`.
    var heap: [(AuditScratch.Keyed, Int)] = []

    init(_ runs: [URL]) throws {
        readers = try runs.map(RunReader.init)
        for run in readers.indices {
            if let head = try readers[run].next() { push((head, run)) }
        }
    }

    func peek() throws -> AuditScratch.Keyed? { heap.first?.0 }

    mutating func advance() throws {
        guard !heap.isEmpty else { return }
        let run = heap[0].1
        if let next = try readers[run].next() {
            heap[0] = (next, run)
            siftDown(0)
        } else {
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
            if !heap.isEmpty { siftDown(0) }
        }
    }

    mutating func push(_ item: (AuditScratch.Keyed, Int)) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard AuditScratch.Keyed.precedes(heap[child].0, heap[parent].0) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let (left, right) = (2 * parent + 1, 2 * parent + 2)
            var smallest = parent
            if left < heap.count, AuditScratch.Keyed.precedes(heap[left].0, heap[smallest].0) { smallest = left }
            if right < heap.count, AuditScratch.Keyed.precedes(heap[right].0, heap[smallest].0) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
