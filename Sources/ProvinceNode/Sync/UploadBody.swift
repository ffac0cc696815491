import Gzip
import LedgerCore
import LedgerStore
import NIOCore
import SyncProtocol

/// The body of `POST …/entries?start=&end=`, streamed from the ledger: each 256-aligned package's
/// canonical entries, one per line, then its proof line. Reads one package at a time, so memory
/// stays flat whatever the upload size. With a compressor, the body is one complete gzip stream
/// (header, deflate data, CRC and length trailer).
struct UploadBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let store: LedgerStore
    let start: UInt64
    let end: UInt64
    /// Not Sendable itself: owned by the one iterator the HTTP client makes.
    nonisolated(unsafe) let compressor: GzipCompressor?
    /// Fault injection for tests: throw after sending this many (uncompressed) bytes, cutting a
    /// package in half, as a dropped connection would.
    let interruptAfterBytes: Int?
    let progress: @Sendable (UInt64) -> Void

    struct Interrupted: Error, CustomStringConvertible {
        var description: String { "upload interrupted (fault injection)" }
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(body: self, plan: PackagePlan(start: start, end: end).makeIterator(), compressor: compressor)
    }

    struct Iterator: AsyncIteratorProtocol {
        let body: UploadBody
        var plan: AnyIterator<Range<UInt64>>
        var compressor: GzipCompressor?
        var sent = 0
        var done = false
        var interruptPending = false

        mutating func next() async throws -> ByteBuffer? {
            if interruptPending { throw Interrupted() }
            while !done {
                guard let range = plan.next() else {
                    done = true
                    if let compressor { return ByteBuffer(bytes: compressor.finish()) }
                    return nil
                }
                var bytes: [UInt8] = []
                for entry in try await body.store.entries(from: range.lowerBound, to: range.upperBound) {
                    bytes.append(contentsOf: entry)
                    bytes.append(0x0A)
                }
                bytes.append(contentsOf: ProofLine.encode(try await body.store.consistencyProof(from: range.upperBound, to: body.end).hashes))
                bytes.append(0x0A)
                if let limit = body.interruptAfterBytes, sent + bytes.count > limit {
                    // Send the part of the package that fits, flushed, then fail the stream.
                    interruptPending = true
                    let cut = Array(bytes.prefix(Swift.max(0, limit - sent)))
                    return ByteBuffer(bytes: compressor?.flush(cut) ?? cut)
                }
                sent += bytes.count
                body.progress(range.upperBound)
                let chunk = compressor?.compress(bytes) ?? bytes
                if !chunk.isEmpty { return ByteBuffer(bytes: chunk) }
            }
            return nil
        }
    }
}
