import Foundation
import LedgerCore
import Mirroring
import SyncProtocol

/// An upload body as HQ reads it: line splitting, the package decoder (canonical entries of
/// one province, proof lines) and package verification against a signed root.
let hasher = Suite.sha256Ed25519.treeHasher
let target = Checkpoint(origin: "o", size: 300, root: hasher.leafHash(Array("target".utf8)))

func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    // The first byte picks where the upload starts, so packages of every alignment are decoded.
    guard size > 0 else { return 0 }
    let start = UInt64(data[0]) * 2
    var splitter = LineSplitter(maximumLength: 4096)
    var decoder = UploadDecoder(start: start, end: 300, province: "440000")
    var verifier = PackageVerifier(frontier: MerkleFrontier(), target: target, hasher: hasher)
    _ = try? splitter.feed(UnsafeRawBufferPointer(start: data + 1, count: size - 1)) { line in
        guard let package = try decoder.consume(line) else { return }
        _ = try? verifier.verify(package, suite: .sha256Ed25519)
    }
    _ = decoder.isComplete
    _ = decoder.nextIndex
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
