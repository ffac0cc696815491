public import Foundation
public import LedgerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Temporary and secret files created exclusively (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600),
/// under names nobody can predict: a file or symlink planted at the name makes the creation
/// fail instead of being followed or truncated.
public enum ExclusiveFile {
    /// A new temporary file beside `url` (same directory, so a rename replaces `url` atomically).
    static func create(besides url: URL) throws(InspectionError) -> (URL, FileHandle) {
        let random = (0..<16).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(random).tmp")
        return (temporary, try create(temporary, what: url.path))
    }

    /// Creates `url`, which must not exist, for writing.
    public static func create(_ url: URL, what: String? = nil) throws(InspectionError) -> FileHandle {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InspectionError(.output, "cannot create \(what ?? url.path): \(reason)",
                                  hint: errno == EEXIST ? "the file exists already; give a new name (nothing is overwritten)" : "check that the directory exists and is writable")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
