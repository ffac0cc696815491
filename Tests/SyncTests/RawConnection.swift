import Foundation
import TestSupport

/// Raw TCP connections, for clients that never finish a TLS handshake.
enum RawConnection {
    /// Connects to 127.0.0.1:`port` and waits up to `timeout` for the server to close the
    /// connection; returns how long that took, or nil if it stayed open.
    static func secondsUntilClosed(port: Int, timeout: Duration, sendFirst bytes: [UInt8] = []) async throws -> Double? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw VectorError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw VectorError("cannot connect to 127.0.0.1:\(port)") }
        if !bytes.isEmpty { _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) } }
        let start = ContinuousClock.now
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(timeout.components.seconds * 1000)
                while true {
                    let ready = poll(&poller, 1, milliseconds)
                    let elapsed = ContinuousClock.now - start
                    guard ready > 0 else { continuation.resume(returning: nil); return }
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    if count <= 0 {
                        continuation.resume(returning: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                        return
                    }
                    if elapsed > timeout { continuation.resume(returning: nil); return }
                }
            }
        }
    }
}
