#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import LedgerCore

/// Writes private key files: created new (never over an existing file) with mode 0600 before a
/// byte is written, written whole, synced to disk with the directory entry, and closed on every
/// path. The one way this project writes a secret (a province's log key, HQ's cosigner and feed
/// keys, CA and TLS keys).
public enum SecretFile {
    public static func write(_ contents: String, to path: String) throws(SecretFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it already exists" : String(cString: strerror(errno))
            throw SecretFileError(.secret, "cannot create the key file \(path): \(reason)",
                                  hint: errno == EEXIST ? "never overwrite a key; move the old file away first if it is really unused" : "check the directory's permissions")
        }
        var failure: String?
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            written += result
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(path)
            throw SecretFileError(.secret, "cannot write the key file \(path): \(failure)", hint: "check free disk space and permissions")
        }
        syncDirectory(of: path)
    }

    /// Makes the new file's name durable; best effort (some file systems refuse it).
    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// A key file that could not be written; nothing is left half-written.
public typealias SecretFileError = CodedError<SecretFileErrorCode>

public enum SecretFileErrorCode: String, ErrorCode {
    /// A key file cannot be created, written or synced.
    case secret = "file.secret"
}
