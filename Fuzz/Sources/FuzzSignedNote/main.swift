import Foundation
import LedgerCore

/// C2SP signed notes, checkpoint bodies, signature lines and verifier key strings, as they
/// arrive from files and the network; then verification with known keys (Ed25519 note key and
/// a tlog-cosignature key) and the key history of a rotated log.
let signer = try! Ed25519NoteSigner(name: "creditsync.samr/province/440000", seed: [UInt8](repeating: 7, count: 32))
let rotated = try! Ed25519NoteSigner(name: signer.name, seed: [UInt8](repeating: 9, count: 32))
let cosigner = try! Cosigner(name: "creditsync.samr/hq", seed: [UInt8](repeating: 3, count: 32))
let history = try! LogKeyHistory([(signer.verifierKey, 0), (rotated.verifierKey, 100)], suite: .sha256Ed25519)

func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    _ = try? VerifierKey(parsing: text)
    _ = try? SignedNote.parseSignatureLines(text)
    _ = try? Checkpoint.parse(body: text)
    if let note = try? SignedNote.parse(text) {
        _ = try? note.verify([try! Ed25519NoteVerifier(name: signer.name, publicKey: signer.publicKey), cosigner.verifier])
        _ = note.serialized
    }
    if let checkpoint = try? UnverifiedCheckpoint(parsing: text) {
        _ = try? history.verify(checkpoint, suite: .sha256Ed25519)
    }
    for line in text.split(separator: "\n") {
        if let signature = try? SignedNote.parseSignatureLines(String(line) + "\n").first {
            _ = CosignatureVerifier.timestamp(of: signature.signature)
        }
    }
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
