import Foundation
import LedgerCore
import SyncProtocol
import TestSupport

/// A province log built by hand (entries, tree, signed checkpoints, upload bodies), for logs a
/// `ProvinceLedger` never writes: one that repeats a change_id, or branches of one log.
struct RawLog {
    let signer: any NoteSigner
    let suite: Suite
    let province: String
    private(set) var entries: [[UInt8]] = []
    private(set) var tree: InMemoryMerkleTree

    init(province: String = "440000", suite: Suite = .sha256Ed25519, signer: (any NoteSigner)? = nil) throws {
        self.province = province
        self.suite = suite
        self.signer = try signer ?? suite.signatures.generateKey(name: "creditsync.samr/province/\(province)").signer
        tree = InMemoryMerkleTree(hasher: suite.treeHasher)
    }

    var size: UInt64 { UInt64(entries.count) }

    mutating func append(_ records: [ChangeRecord]) {
        for record in records {
            entries.append(record.canonicalBytes)
            tree.append(leafHash: suite.treeHasher.leafHash(record.canonicalBytes))
        }
    }

    func root(_ size: UInt64) throws -> Hash {
        try MerkleProofs(hasher: suite.treeHasher).root(size: size, reader: tree)
    }

    func checkpoint(_ size: UInt64? = nil) throws -> VerifiedCheckpoint {
        let size = size ?? self.size
        return try VerifiedCheckpoint.sign(Checkpoint(origin: signer.name, size: size, root: try root(size), suite: suite.id), with: signer)
    }

    func consistency(from old: UInt64, to new: UInt64) throws -> [Hash] {
        try MerkleProofs(hasher: suite.treeHasher).consistencyProof(from: old, to: new, reader: tree)
    }

    /// The add-checkpoint body for the checkpoint of `size` from HQ's `old`.
    func addCheckpointBody(old: UInt64, size: UInt64? = nil) throws -> [UInt8] {
        let checkpoint = try checkpoint(size)
        return Array(AddCheckpointRequest(oldSize: old, proof: try consistency(from: old, to: checkpoint.size), checkpoint: checkpoint.text).body.utf8)
    }

    /// The upload body of [start, end), packages and proof lines as the protocol has them.
    func uploadBody(start: UInt64, end: UInt64) throws -> [UInt8] {
        var body: [UInt8] = []
        for range in PackagePlan(start: start, end: end) {
            for index in range { body += entries[Int(index)] + [0x0A] }
            body += ProofLine.encode(try consistency(from: range.upperBound, to: end)) + [0x0A]
        }
        return body
    }
}

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
