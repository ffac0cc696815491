import LedgerCore
import SyncProtocol

/// The add-checkpoint body (C2SP tlog-witness form) as HQ parses it from the network, then the
/// checkpoint inside it, its signature check and the arbiter's decision against fixed facts.
let signer = try! Ed25519NoteSigner(name: "creditsync.samr/province/440000", seed: [UInt8](repeating: 7, count: 32))
let verifier = try! Ed25519NoteVerifier(name: signer.name, publicKey: signer.publicKey)
let hasher = Suite.sha256Ed25519.treeHasher
let held = Checkpoint(origin: signer.name, size: 5, root: hasher.root(leafHashes: (0..<5).map { hasher.leafHash([UInt8($0)]) }))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let request = try? AddCheckpointRequest(parsing: bytes) else { return 0 }
    _ = request.body
    guard let unverified = try? UnverifiedCheckpoint(parsing: request.checkpoint) else { return 0 }
    _ = try? unverified.verify(logKey: verifier, suite: .sha256Ed25519)
    _ = CheckpointArbiter.decide(.init(latest: .init(checkpoint: held, note: held.body), computedRoot: held.root),
                                 oldSize: request.oldSize, proof: request.proof, incoming: unverified.checkpoint, hasher: hasher)
    return 0
}
