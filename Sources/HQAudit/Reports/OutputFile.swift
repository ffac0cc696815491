import Foundation
import LedgerCore

/// A file written in order through a 1 MiB buffer: reports with a million rows are streamed,
/// never held whole.
final class OutputFile {
    let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    static let capacity = 1 << 20

    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw AuditError(.output, "cannot create \(url.path)", hint: "check that the output directory is writable and has space")
        }
        self.url = url
        self.handle = handle
        buffer.reserveCapacity(Self.capacity)
    }

    func write(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.capacity { try flush() }
    }

    func write(_ text: String) throws { try write(text.utf8) }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw AuditError(.output, "cannot write \(url.path): \(error.localizedDescription)", hint: "check the disk space of the output directory")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
