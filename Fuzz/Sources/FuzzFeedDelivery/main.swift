import Foundation
import LedgerCore
import Mirroring
import SyncProtocol

/// A feed delivery body as a province reads it (Protocol/sync.md §7.1–7.2): `FeedDeliveryBody`
/// splits it, `FeedVerifier` checks the header, the signed checkpoint, the consistency proof from
/// a stored cursor and every entry. The feed key is fixed, so a seed made with it (seeds/feed,
/// written by `FuzzFeedDelivery -write-seed DIR`) reaches the checks behind the signature.
let origin = FeedOrigin.of(province: "440000")
let signer = try! Ed25519NoteSigner(name: origin, seed: Array(repeating: 7, count: 32))
let suite = Suite.sha256Ed25519
let verifier = FeedVerifier(province: "440000", suite: suite, feedKey: try! suite.signatures.verifier(name: origin, publicKey: signer.publicKey))

/// A valid two-entry feed and the cursor after its first entry, to verify deliveries against.
func feed() -> (body: [UInt8], cursor: FeedCursor) {
    let hasher = suite.treeHasher
    let entries: [[UInt8]] = (0..<2).map { n in
        Array(#"{"category":"central_risk","change_id":"c\#(n)","entity":{"uscc":"91440300MA5FXXXX0X"},"fields":{},"id":"i\#(n)","op":"upsert","origin":"central","province":"440000","v":1}"#.utf8)
    }
    var frontier = MerkleFrontier()
    frontier.append(hasher.leafHash(entries[0]), hasher: hasher)
    let first = try! VerifiedCheckpoint.sign(Checkpoint(origin: origin, size: 1, root: frontier.root(hasher: hasher), suite: suite.id), with: signer)
    let cursor = FeedCursor(origin: origin, size: 1, root: first.root, frontier: frontier, note: first.text, appliedAt: Date(timeIntervalSince1970: 0))
    frontier.append(hasher.leafHash(entries[1]), hasher: hasher)
    let second = try! VerifiedCheckpoint.sign(Checkpoint(origin: origin, size: 2, root: frontier.root(hasher: hasher), suite: suite.id), with: signer)
    // From size 1 (a complete subtree, the old root itself) to 2: the proof is the new leaf.
    let proof = [hasher.leafHash(entries[1])]
    let header = FeedDeliveryHeader(origin: origin, from: 1, size: 2, latest: 2, checkpoint: second.text, consistency: proof)
    var body = Array(try! JSONEncoder().encode(header))
    body.append(0x0A)
    body += entries[1] + [0x0A]
    return (body, cursor)
}
let valid = feed()

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "-write-seed" {
    // The seed must pass every check, or the fuzzer never gets behind the signature.
    let (header, entries) = try! FeedDeliveryBody.parse(valid.body)
    _ = try! verifier.verify(header: header, entries: entries, cursor: valid.cursor)
    try! Data(valid.body).write(to: URL(fileURLWithPath: CommandLine.arguments[2]).appendingPathComponent("valid-delivery"))
    exit(0)
}

func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input, size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    guard let (header, entries) = try? FeedDeliveryBody.parse(body) else { return 0 }
    // Against the stored cursor, and as a first delivery.
    _ = try? verifier.verify(header: header, entries: entries, cursor: valid.cursor)
    _ = try? verifier.verify(header: header, entries: entries, cursor: nil)
    return 0
}

// libFuzzer's driver, called from this executable's own main (see FuzzUploadDecoder).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, fuzz))
