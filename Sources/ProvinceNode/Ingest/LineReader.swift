import Foundation

/// Reads newline-delimited records from a file descriptor in fixed-size chunks. Memory is bounded
/// by the chunk and the longest accepted line; a longer line is reported, not buffered.
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
    static let chunkSize = 1 << 20

    public init(handle: FileHandle, maximumLength: Int) {
        self.handle = handle
        self.maximumLength = maximumLength
    }

    /// The next non-blank line (without its newline or a trailing CR), or nil at end of input.
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
                if position == buffer.count { break }
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

    private mutating func refill() throws {
        let data = try handle.read(upToCount: Self.chunkSize) ?? Data()
        if data.isEmpty { exhausted = true }
        buffer = [UInt8](data)
        position = 0
    }
}
