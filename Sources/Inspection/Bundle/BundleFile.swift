import Crypto
import Foundation
import Gzip
import LedgerCore

/// A bundle on disk: one gzip member of newline-terminated lines, then the SHA-256 of that member
/// (32 bytes), written to a temporary file and renamed into place (a failed write leaves nothing
/// behind). Gzip's CRC-32 covers the content but not the compressed bytes: deflate has bits its
/// decoder ignores (measured: about one file in four of 6 KB has a byte whose change inflates to
/// the same content), and the header's time and OS bytes are not covered at all. The trailing
/// digest is checked before anything else, so a copy that differs from what was written in any
/// byte is refused; the signatures, proofs and the redrawn sample are what make the content
/// trustworthy.
enum BundleFile {
    static let level: Int32 = 6
    /// The largest line a reader accepts: a header with a sample of 100,000 entities.
    static let maximumLine = 64 << 20

    /// The 10-byte gzip header zlib writes at `level` (mtime 0, no name).
    static let header: [UInt8] = {
        guard let compressor = try? GzipCompressor(level: level) else { return [] }
        return Array(compressor.finish().prefix(10))
    }()

    final class Writer {
        let url: URL
        let temporary: URL
        private let handle: FileHandle
        private let compressor: GzipCompressor
        private var pending: [UInt8] = []
        private var digest = SHA256()

        init(url: URL) throws {
            self.url = url
            let (temporary, handle) = try ExclusiveFile.create(besides: url)
            self.temporary = temporary
            self.handle = handle
            compressor = try GzipCompressor(level: BundleFile.level)
            pending.reserveCapacity(1 << 20)
        }

        func line(_ bytes: some Collection<UInt8>) throws {
            pending.append(contentsOf: bytes)
            pending.append(0x0A)
            if pending.count >= 1 << 20 { try drain() }
        }

        private func drain() throws {
            try write(compressor.compress(pending))
            pending.removeAll(keepingCapacity: true)
        }

        private func write(_ bytes: [UInt8], digested: Bool = true) throws {
            if digested { digest.update(data: bytes) }
            do {
                try handle.write(contentsOf: bytes)
            } catch {
                throw InspectionError(.output, "cannot write \(url.path): \(error.localizedDescription)", hint: "check the disk space")
            }
        }

        /// Finishes the stream, syncs it and renames it into place.
        func commit() throws {
            try drain()
            try write(compressor.finish())
            try write(Array(digest.finalize()), digested: false)
            try handle.synchronize()
            try handle.close()
            _ = try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: temporary, to: url)
        }

        func abandon() {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// The length of the gzip member: the file less its trailing digest, once the digest is
    /// checked. One sequential read.
    static func checkDigest(_ url: URL) throws -> UInt64 {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw InspectionError(.usage, "cannot read \(url.path)", hint: "check the file name and its permissions")
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size > 32 + 10 else { throw InspectionError.verification("the file is too short to be a bundle (\(size) bytes)") }
        try handle.seek(toOffset: 0)
        var digest = SHA256()
        var remaining = size - 32
        while remaining > 0, let chunk = try handle.read(upToCount: Int(min(remaining, 1 << 20))), !chunk.isEmpty {
            digest.update(data: chunk)
            remaining -= UInt64(chunk.count)
        }
        let stored = try handle.readToEnd() ?? Data()
        guard remaining == 0, Array(stored) == Array(digest.finalize()) else {
            throw InspectionError.verification("the bundle file is damaged or was changed: its bytes do not match the SHA-256 it ends with")
        }
        return size - 32
    }

    /// Calls `body` with each line (without its newline), in order; throws on a damaged file.
    /// Returns the SHA-256 (hex) of the whole file as this pass read it: the bytes the lines came
    /// from are the bytes the trailing digest covers (checked again at the end of this pass, so a
    /// file changed after the first check is refused) and the bytes a result names.
    @discardableResult
    static func readLines(_ url: URL, _ body: (ArraySlice<UInt8>) throws -> Void) throws -> String {
        var remaining = try checkDigest(url)
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw InspectionError(.usage, "cannot read \(url.path)", hint: "check the file name and its permissions")
        }
        defer { try? handle.close() }
        let decompressor = try GzipDecompressor()
        var line: [UInt8] = []
        var first = true
        var content = SHA256()
        var whole = SHA256()
        while remaining > 0, let chunk = try handle.read(upToCount: Int(min(remaining, 1 << 20))), !chunk.isEmpty {
            remaining -= UInt64(chunk.count)
            content.update(data: chunk)
            whole.update(data: chunk)
            if first {
                guard chunk.count >= 10, Array(chunk.prefix(10)) == header else {
                    throw InspectionError.verification("the file is not a bundle: its first bytes are not the bundle's gzip header")
                }
                first = false
            }
            do {
                try chunk.withUnsafeBytes { raw in
                    try decompressor.decompress(raw) { piece in
                        var rest = piece[...]
                        while let newline = rest.firstIndex(of: 0x0A) {
                            line.append(contentsOf: rest[..<newline])
                            try body(line[...])
                            line.removeAll(keepingCapacity: true)
                            rest = rest[(newline + 1)...]
                        }
                        line.append(contentsOf: rest)
                        guard line.count <= maximumLine else {
                            throw InspectionError.verification("the bundle has a line longer than \(maximumLine) bytes")
                        }
                    }
                }
            } catch let error as GzipError {
                throw InspectionError.verification("the bundle file is damaged: \(error.description)")
            }
        }
        do {
            try decompressor.finish()
        } catch let error as GzipError {
            throw InspectionError.verification("the bundle file is damaged: \(error.description)")
        }
        guard line.isEmpty else { throw InspectionError.verification("the bundle's last line has no newline") }
        let stored = try handle.read(upToCount: 33) ?? Data()
        guard remaining == 0, stored.count == 32, Array(stored) == Array(content.finalize()) else {
            throw InspectionError.verification("the bundle file changed while it was read: its bytes no longer match the SHA-256 it ends with")
        }
        whole.update(data: stored)
        return Array(whole.finalize()).hex
    }
}

extension BundleFile {
    /// The SHA-256 of the whole file (hex), read in 1 MiB pieces: what a result names its bundle by.
    static func sha256(_ url: URL) throws(InspectionError) -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw InspectionError(.usage, "cannot read \(url.path)", hint: "check the file name and its permissions")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw InspectionError(.usage, "cannot read \(url.path): \(error.localizedDescription)", hint: "check the file")
        }
        return Array(hasher.finalize()).hex
    }
}
