import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HQStorage
import LedgerCore

/// The push-down lock of embedded storage (`HQStorage.withPushDownLock`): one run at a time in
/// this process (an actor queue: no library offers an async mutex, so this is hand-written), and
/// across processes an exclusive `flock` on `pushdown.lock` in the data directory, taken without
/// blocking a thread: tried again every 50 ms while another process holds it.
actor PushDownLock {
    private let path: String
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(path: String) {
        self.path = path
    }

    func acquire() async throws -> Int32 {
        if held {
            await withCheckedContinuation { waiting.append($0) }
        }
        held = true
        do {
            return try await lockFile()
        } catch {
            release(descriptor: nil)
            throw error
        }
    }

    func release(descriptor: Int32?) {
        if let descriptor {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    private func lockFile() async throws -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HQStorageError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))", hint: "check the data directory's permissions")
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return descriptor
    }
}
