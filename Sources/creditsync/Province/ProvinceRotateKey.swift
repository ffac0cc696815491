import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import ProvinceNode

struct ProvinceRotateKey: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Replace the log's signing key; write the checkpoint signed by the old and the new key for HQ.",
        discussion: """
            The latest checkpoint is signed by the current key and a freshly generated one; the new key \
            signs every later checkpoint, and old checkpoints keep verifying with the old key. Then: sync \
            (HQ must hold the rotation's size), and have HQ run `creditsync hq enroll --rotate --province CODE \
            --key NEW_KEY --checkpoint FILE` with the file written here. The old private key is kept as \
            signing.key.retired-<key id>; destroy it when policy allows.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "Where to write the rotation checkpoint (default DIR/rotation-<size>.note).")
    var out: String?

    func execute() async throws {
        let ledger = try await ProvinceLedger.open(directory: options.directory)
        let (rotated, checkpoint) = try await ledger.rotateKey(now: Date())
        let path = out ?? options.directory.appendingPathComponent("rotation-\(checkpoint.size).note").path
        try Data(checkpoint.text.utf8).write(to: URL(fileURLWithPath: path))
        Output.line("new verifier key: \(rotated.signer.verifierKey)")
        Output.line("rotation checkpoint (size \(checkpoint.size), signed by the old and the new key): \(path)")
        Output.line("next: sync, then on HQ: creditsync hq enroll --rotate --province \(rotated.province) --key '\(rotated.signer.verifierKey)' --checkpoint \(path)")
    }
}
