import Foundation
import LedgerCore
import SyncProtocol

/// The add-checkpoint body (C2SP tlog-witness form) as HQ parses it from the network, then the
/// checkpoint inside it, its signature check and the arbiter's decision against fixed facts.
let signer = try! Ed25519NoteSigner(name: "creditsync.samr/province/440000", seed: [UInt8](repeating: 7, count: 32))
let verifier = try! Ed25519NoteVerifier(name: signer.name, publicKey: signer.publicKey)
let hasher = Suite.sha256Ed25519.treeHasher
let held = Checkpoint(origin: signer.name, size: 5, root: hasher.root(leafHashes: (0..<5).map { hasher.leafHash([UInt8($0)]) }))

func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let request = try? AddCheckpointRequest(parsing: bytes) else { return 0 }
    _ = request.body
    guard let unverified = try? UnverifiedCheckpoint(parsing: request.checkpoint) else { return 0 }
    _ = try? unverified.verify(logKey: verifier, suite: .sha256Ed25519)
    _ = CheckpointArbiter.decide(.init(latest: .init(checkpoint: held, note: held.body), computedRoot: held.root),
                                 oldSize: request.oldSize, proof: request.proof, incoming: unverified.checkpoint, hasher: hasher)
    return 0
}

// libFuzzer's driver, called from this executable's own main (SwiftPM names every executable's
// entry point itself, so the runtime's main cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, fuzz))
