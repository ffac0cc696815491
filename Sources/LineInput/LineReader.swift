public import Foundation
import Gzip

/// Reads newline-delimited records from a file descriptor in fixed-size chunks, inflating it
/// first if it is gzip (detected by its magic bytes, whatever the file's name; every member of
/// a multi-member file, as concatenating gzip files makes). Memory is
/// bounded by the chunk, its inflated size and the longest accepted line; a longer line is
/// reported, not buffered.
public struct LineReader {
    public enum Line {
        case text(number: Int, bytes: [UInt8])
        case tooLong(number: Int, length: Int)
    }

    let handle: FileHandle
    let maximumLength: Int
    var buffer: [UInt8] = []
    var position = 0
    var lineNumber = 0
    var exhausted = false
    /// Set once the first chunk shows the gzip magic; nil for plain text.
    var inflater: GzipDecompressor?
    var started = false
    static let chunkSize = 1 << 20
    /// Compressed bytes per read: NDJSON inflates about 10×, so a chunk stays near a few MiB.
    static let gzipChunkSize = 128 << 10

    public init(handle: FileHandle, maximumLength: Int) {
        self.handle = handle
        self.maximumLength = maximumLength
    }

    /// Whether the input turned out to be gzip (known after the first read).
    public var isGzip: Bool { inflater != nil }

    /// The next non-blank line (without its newline or a trailing CR), or nil at end of input.
    /// Throws `GzipError` if a gzip input is damaged or truncated.
    public mutating func next() throws -> Line? {
        while true {
            guard let line = try nextRaw() else { return nil }
            if case .text(_, let bytes) = line, bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            return line
        }
    }

    mutating func nextRaw() throws -> Line? {
        var current: [UInt8] = []
        var overflow = 0
        while true {
            if position == buffer.count {
                if exhausted { break }
                try refill()
                if position == buffer.count { continue }
            }
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                append(buffer[position..<newline], to: &current, overflow: &overflow)
                position = newline + 1
                lineNumber += 1
                return finish(current, overflow: overflow)
            }
            append(buffer[position...], to: &current, overflow: &overflow)
            position = buffer.count
        }
        guard !current.isEmpty || overflow > 0 else { return nil }
        lineNumber += 1
        return finish(current, overflow: overflow)
    }

    private func append(_ slice: ArraySlice<UInt8>, to current: inout [UInt8], overflow: inout Int) {
        if overflow > 0 || current.count + slice.count > maximumLength + 1 {
            overflow += current.count + slice.count
            current.removeAll()
        } else {
            current.append(contentsOf: slice)
        }
    }

    private func finish(_ current: [UInt8], overflow: Int) -> Line {
        if overflow > 0 { return .tooLong(number: lineNumber, length: overflow) }
        var line = current
        if line.last == 0x0D { line.removeLast() }
        if line.count > maximumLength { return .tooLong(number: lineNumber, length: line.count) }
        return .text(number: lineNumber, bytes: line)
    }

    /// Reads the next chunk into `buffer` (possibly empty while a gzip header is consumed);
    /// sets `exhausted` at the end of input.
    private mutating func refill() throws {
        let data = try handle.read(upToCount: inflater == nil && started ? Self.chunkSize : Self.gzipChunkSize) ?? Data()
        position = 0
        if !started {
            started = true
            if data.count >= 2, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B { inflater = try GzipDecompressor(multipleMembers: true) }
        }
        guard let inflater else {
            buffer = [UInt8](data)
            if data.isEmpty { exhausted = true }
            return
        }
        buffer.removeAll(keepingCapacity: true)
        if data.isEmpty {
            try inflater.finish()
            exhausted = true
            return
        }
        try data.withUnsafeBytes { raw in try inflater.decompress(raw) { buffer.append(contentsOf: $0) } }
    }
}
