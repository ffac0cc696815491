import Foundation
import LedgerCore

/// The latest entry of every record key, found with an external merge sort so that memory does
/// not grow with the log (Protocol/inspection.md §3, Limits): rows (key, index, flags) are sorted
/// in memory `runRows` at a time and written as sorted runs to temporary files (created
/// exclusively), then read back through a k-way merge that yields each key's last row. The files
/// are deleted when the store goes; a crashed scan's are removed by a later one after a day.
///
/// Written by hand, like the audit's `AuditScratch`: sorted runs are written and read
/// sequentially, and SQLite's index build and random lookups cost more for this one pass.
final class KeyRuns: @unchecked Sendable {
    // @unchecked: one scan owns it and uses it from one task at a time (a value type's storage).
    struct Row {
        var key: [UInt8]
        var index: UInt64
        var flags: UInt8

        static func precedes(_ a: Row, _ b: Row) -> Bool {
            a.key == b.key ? a.index < b.index : a.key.lexicographicallyPrecedes(b.key)
        }
    }

    static let live: UInt8 = 1
    static let inScope: UInt8 = 2

    let runRows: Int
    private var buffer: [Row] = []
    private var runs: [URL] = []
    private let directory: URL

    init(runRows: Int = 200_000, directory: URL? = nil) {
        self.runRows = runRows
        self.directory = directory ?? FileManager.default.temporaryDirectory
        Self.removeLeftovers(in: self.directory)
    }

    /// How many run files this store holds now.
    var runCount: Int { runs.count }

    static let prefix = "creditsync-inspection-"

    /// Runs a scan that crashed left behind (they hold record ids): removed once a day old, so a
    /// scan running now keeps its own.
    static func removeLeftovers(in directory: URL, olderThan age: TimeInterval = 86_400) {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        for file in files where file.lastPathComponent.hasPrefix(prefix) && file.pathExtension == "run" {
            let modified = (try? file.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? Date()
            if Date().timeIntervalSince(modified) > age { try? FileManager.default.removeItem(at: file) }
        }
    }

    deinit {
        for run in runs { try? FileManager.default.removeItem(at: run) }
    }

    /// A key: the category's length (4 bytes), the category and the id, as UTF-8 bytes.
    static func key(category: some Collection<UInt8>, id: some Collection<UInt8>) -> [UInt8] {
        let length = UInt32(category.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + category + id
    }

    static func split(_ key: [UInt8]) -> (category: ArraySlice<UInt8>, id: ArraySlice<UInt8>) {
        let length = Int(key[0]) << 24 | Int(key[1]) << 16 | Int(key[2]) << 8 | Int(key[3])
        return (key[4..<(4 + length)], key[(4 + length)...])
    }

    func add(_ row: Row) throws(InspectionError) {
        buffer.append(row)
        if buffer.count >= runRows { try spill() }
    }

    private func spill() throws(InspectionError) {
        guard !buffer.isEmpty else { return }
        buffer.sort(by: Row.precedes)
        let rows = buffer
        try writeRun { emit in for row in rows { try emit(row) } }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes a new run file of the rows `produce` emits (in order), a megabyte at a time.
    private func writeRun(_ produce: ((Row) throws -> Void) throws -> Void) throws(InspectionError) {
        let url = directory.appendingPathComponent("\(Self.prefix)\(UUID().uuidString).run")
        let handle = try ExclusiveFile.create(url)
        runs.append(url)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 20)
        do {
            try produce { row in
                Self.encode(row, into: &bytes)
                if bytes.count >= 1 << 20 {
                    try handle.write(contentsOf: bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: bytes)
            try handle.close()
        } catch let error as InspectionError {
            throw error
        } catch {
            throw InspectionError(.output, "cannot write the inspection's work file \(url.path): \(error.localizedDescription)", hint: "check the space in the temporary directory")
        }
    }

    static func encode(_ row: Row, into bytes: inout [UInt8]) {
        let length = UInt32(row.key.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        bytes += row.key
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(row.index >> UInt64(shift) & 0xFF)) }
        bytes.append(row.flags)
    }

    /// Calls `body` with each key's last row (its highest index), in key order.
    func forEachLatest(_ body: (Row) throws -> Void) throws {
        if runs.isEmpty {
            buffer.sort(by: Row.precedes)
            var last: Row?
            for row in buffer {
                if let previous = last, previous.key != row.key { try body(previous) }
                last = row
            }
            if let last { try body(last) }
            return
        }
        try spill()
        // At most `fanIn` runs are open at once: more are first merged into fewer, keeping only
        // each key's last row (all a scan needs).
        while runs.count > Self.fanIn {
            let group = Array(runs.prefix(Self.fanIn))
            try writeRun { emit in try Self.merge(group, emit) }
            for run in group { try? FileManager.default.removeItem(at: run) }
            runs.removeFirst(group.count)
        }
        try Self.merge(runs, body)
    }

    /// Open runs at once, at most: file descriptors and one 64 KiB buffer each.
    static let fanIn = 64

    /// Merges sorted runs (a binary heap of their heads) and calls `body` with each key's last row.
    static func merge(_ runs: [URL], _ body: (Row) throws -> Void) throws {
        var readers = try runs.map { try RunReader($0) }
        var heap = RunHeap()
        for offset in readers.indices { if let row = try readers[offset].next() { heap.push(row, run: offset) } }
        var last: Row?
        while let (row, run) = heap.pop() {
            if let next = try readers[run].next() { heap.push(next, run: run) }
            if let previous = last, previous.key != row.key { try body(previous) }
            last = row
        }
        if let last { try body(last) }
    }

    /// A binary min-heap of run heads, by `Row.precedes`.
    struct RunHeap {
        var items: [(row: Row, run: Int)] = []

        mutating func push(_ row: Row, run: Int) {
            items.append((row, run))
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Row.precedes(items[child].row, items[parent].row) else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> (Row, Int)? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let top = items.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, Row.precedes(items[left].row, items[smallest].row) { smallest = left }
                if right < items.count, Row.precedes(items[right].row, items[smallest].row) { smallest = right }
                guard smallest != parent else { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
            return (top.row, top.run)
        }
    }

    /// Reads a run back, 64 KiB at a time.
    struct RunReader {
        let handle: FileHandle
        var data: [UInt8] = []
        var position = 0

        init(_ url: URL) throws {
            handle = try FileHandle(forReadingFrom: url)
        }

        mutating func take(_ count: Int) throws -> ArraySlice<UInt8>? {
            while data.count - position < count {
                // 64 KiB at a time: a merge holds one such buffer per run.
                guard let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty else {
                    guard position == data.count else {
                        throw InspectionError(.corrupt, "the inspection's work file ends in the middle of a row", hint: "check the temporary directory's disk")
                    }
                    return nil
                }
                data = Array(data[position...]) + chunk
                position = 0
            }
            defer { position += count }
            return data[position..<(position + count)]
        }

        mutating func next() throws -> Row? {
            guard let prefix = try take(4) else { try? handle.close(); return nil }
            let length = Int(prefix[prefix.startIndex]) << 24 | Int(prefix[prefix.startIndex + 1]) << 16 | Int(prefix[prefix.startIndex + 2]) << 8
                | Int(prefix[prefix.startIndex + 3])
            guard let key = try take(length), let rest = try take(9) else {
                throw InspectionError(.corrupt, "the inspection's work file ends in the middle of a row", hint: "check the temporary directory's disk")
            }
            let index = rest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Row(key: Array(key), index: index, flags: rest[rest.startIndex + 8])
        }
    }
}
