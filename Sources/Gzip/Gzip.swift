import CZlib

/// Streaming gzip (RFC 1952) over the system zlib, for `Content-Encoding: gzip` upload bodies.
///
/// Written by hand because NIOHTTPCompression keeps its inflater internal and only offers it as
/// a NIOHTTP1 channel handler, which Hummingbird's HTTPTypes pipeline cannot host.
public struct GzipError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// Inflates a gzip stream chunk by chunk; output is handed out in bounded pieces, so memory does
/// not depend on the compression ratio.
public final class GzipDecompressor {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var output = [UInt8](repeating: 0, count: 64 * 1024)
    /// The last member read so far is complete.
    public private(set) var finished = false
    public private(set) var totalOut = 0
    /// Whether another member may follow one that ended (RFC 1952 §2.2: a gzip file is a series
    /// of members, as `cat a.gz b.gz` makes and `gzip -d` reads). Off for upload bodies and
    /// bundles, which are one member by their formats.
    public let multipleMembers: Bool

    public init(multipleMembers: Bool = false) throws {
        self.multipleMembers = multipleMembers
        stream.initialize(to: z_stream())
        // 15 window bits + 16: gzip wrapper only.
        guard inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw GzipError(description: "zlib inflateInit2 failed")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Feeds compressed bytes; calls `sink` with each piece of output.
    public func decompress(_ input: UnsafeRawBufferPointer, _ sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard input.count > 0 else { return }
        if finished {
            guard multipleMembers else { throw GzipError(description: "data after the end of the gzip stream") }
            try nextMember()
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        repeat {
            let produced: Int = try output.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status = inflate(stream, Z_NO_FLUSH)
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    break
                case Z_STREAM_END:
                    finished = true
                default:
                    let reason = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw GzipError(description: "invalid gzip data: \(reason)")
                }
                return buffer.count - Int(stream.pointee.avail_out)
            }
            if produced > 0 {
                totalOut += produced
                try sink(output[0..<produced])
            }
            if finished {
                guard stream.pointee.avail_in > 0 else { break }
                guard multipleMembers else { throw GzipError(description: "data after the end of the gzip stream") }
                try nextMember()
            }
        } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
    }

    /// Starts reading the member after the one that ended (its header is checked as it comes).
    private func nextMember() throws {
        guard inflateReset(stream) == Z_OK else { throw GzipError(description: "zlib inflateReset failed") }
        finished = false
    }

    /// Checks the stream ended properly.
    public func finish() throws {
        guard finished else { throw GzipError(description: "the gzip stream is truncated") }
    }
}

/// Deflates into a gzip stream chunk by chunk.
public final class GzipCompressor {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var output = [UInt8](repeating: 0, count: 64 * 1024)

    /// `level` 1 (fastest) … 9 (smallest); 1 suits NDJSON on a fast link.
    public init(level: Int32 = 1) throws {
        stream.initialize(to: z_stream())
        guard deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw GzipError(description: "zlib deflateInit2 failed")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    public func compress(_ input: [UInt8]) -> [UInt8] {
        run(input, flush: Z_NO_FLUSH)
    }

    /// Compresses `input` and flushes, so everything so far can be inflated by the receiver.
    public func flush(_ input: [UInt8]) -> [UInt8] {
        run(input, flush: Z_SYNC_FLUSH)
    }

    /// Ends the stream; returns the remaining bytes and the gzip trailer.
    public func finish() -> [UInt8] {
        run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
        var result: [UInt8] = []
        input.withUnsafeBufferPointer { inputBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.pointee.avail_in = uInt(inputBuffer.count)
            repeat {
                let produced: Int = output.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = uInt(buffer.count)
                    _ = deflate(stream, flush)
                    return buffer.count - Int(stream.pointee.avail_out)
                }
                result.append(contentsOf: output[0..<produced])
            } while stream.pointee.avail_out == 0
        }
        return result
    }
}
