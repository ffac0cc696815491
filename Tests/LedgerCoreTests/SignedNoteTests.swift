import Foundation
import LedgerCore
import Testing
import TestSupport

/// C2SP signed-note vectors made with Go's golang.org/x/mod/sumdb/note.
@Suite("C2SP signed notes and checkpoints")
struct SignedNoteTests {
    struct Vector: Decodable {
        let checkpointBody: String
        let keyName: String
        let publicKeyHex: String
        let seedHex: String
        let signedNote: String
        let signerKey: String
        let verifierKey: String
    }

    static func vector() throws -> Vector { try Vectors.decode(Vector.self, from: "signed-note-ed25519.json") }

    @Test("signing the vector body with its seed gives exactly its signed note")
    func signsLikeGo() throws {
        let v = try Self.vector()
        let signer = try Ed25519NoteSigner(name: v.keyName, seed: [UInt8](vectorHex: v.seedHex))
        #expect(signer.publicKey.hex == v.publicKeyHex)
        #expect(signer.verifierKey == v.verifierKey)
        #expect(signer.privateKeyString == v.signerKey)
        let checkpoint = try Checkpoint.parse(body: v.checkpointBody)
        #expect(checkpoint.size == 8)
        #expect(checkpoint.body == v.checkpointBody)
        let signed = try VerifiedCheckpoint.sign(checkpoint, with: signer)
        #expect(signed.text == v.signedNote)
        // The Go private key string loads to the same signer.
        let loaded = try Ed25519NoteSigner(privateKeyString: v.signerKey)
        #expect(try VerifiedCheckpoint.sign(checkpoint, with: loaded).text == v.signedNote)
    }

    @Test("the vector note verifies with its verifier key string")
    func verifies() throws {
        let v = try Self.vector()
        let key = try VerifierKey(parsing: v.verifierKey)
        #expect(key.string == v.verifierKey)
        let verifier = try Ed25519NoteVerifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst()))
        let checkpoint = try UnverifiedCheckpoint(parsing: v.signedNote).verify(logKey: verifier, suite: .sha256Ed25519)
        #expect(checkpoint.root.base64 == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
    }

    @Test("rejects a wrong key, a changed body and a truncated signature")
    func rejects() throws {
        let v = try Self.vector()
        let right = try Ed25519NoteVerifier(name: v.keyName, publicKey: [UInt8](vectorHex: v.publicKeyHex))
        // Wrong key: same name, another key (different key ID, so no trusted signature at all).
        let other = try Ed25519NoteSigner.generate(name: v.keyName)
        let wrong = try Ed25519NoteVerifier(name: v.keyName, publicKey: other.publicKey)
        #expect { try UnverifiedCheckpoint(parsing: v.signedNote).verify(logKey: wrong, suite: .sha256Ed25519) }
            throws: { ($0 as? LedgerCoreError)?.code == "note.no-trusted-signature" }
        // Wrong key with a colliding name and ID is still caught by the signature check.
        let collide = CollidingVerifier(name: v.keyName, keyID: right.keyID)
        #expect { try SignedNote.parse(v.signedNote).verify([collide]) }
            throws: { ($0 as? LedgerCoreError)?.code == "note.signature-invalid" }
        // Changed body: size 8 → 9.
        let changed = v.signedNote.replacingOccurrences(of: "\n8\n", with: "\n9\n")
        #expect { try UnverifiedCheckpoint(parsing: changed).verify(logKey: right, suite: .sha256Ed25519) }
            throws: { ($0 as? LedgerCoreError)?.code == "note.signature-invalid" }
        // Truncated signature: drop the last 4 base64 characters (3 bytes), keep it valid base64.
        let line = v.signedNote.split(separator: "\n").last!
        let truncatedLine = String(line.dropLast(4))
        let truncated = v.signedNote.replacingOccurrences(of: String(line), with: truncatedLine)
        #expect(throws: LedgerCoreError.self) { try UnverifiedCheckpoint(parsing: truncated).verify(logKey: right, suite: .sha256Ed25519) }
        // Cut inside the base64: malformed.
        let cut = v.signedNote.replacingOccurrences(of: String(line), with: String(line.dropLast(2)))
        #expect { try UnverifiedCheckpoint(parsing: cut) } throws: { ($0 as? LedgerCoreError)?.code == "note.malformed" }
        // The untampered note still verifies.
        _ = try UnverifiedCheckpoint(parsing: v.signedNote).verify(logKey: right, suite: .sha256Ed25519)
    }

    @Test("unknown signatures are ignored, a note needs one trusted signature")
    func extraSignatures() throws {
        let v = try Self.vector()
        let right = try Ed25519NoteVerifier(name: v.keyName, publicKey: [UInt8](vectorHex: v.publicKeyHex))
        let stranger = try Ed25519NoteSigner.generate(name: "someone.else/log")
        let note = try SignedNote.parse(v.signedNote)
        let extra = SignedNote(text: note.text, signatures: [try stranger.signature(for: note.text)] + note.signatures)
        let reparsed = try SignedNote.parse(extra.serialized)
        #expect(try reparsed.verify([right]).count == 1)
    }

    @Test("malformed notes and checkpoints are refused", arguments: [
        "no blank line\n— a AAAA\n",
        "text\n\n— name not-base64!\n",
        "text\n\nno dash line\n",
        "text\n\n— name\n",
        "text\n\n",
        "text\u{1}\n\n— name AAAAAAAA\n",
        "text\n\n— name AAAAAAAA",
    ])
    func malformedNotes(note: String) {
        #expect(throws: LedgerCoreError.self) { try SignedNote.parse(note) }
    }

    @Test("checkpoint bodies are strict", arguments: [
        "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy=\n",
        "origin\n8\n",
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n-1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        // Sizes a store cannot hold (2^63 and 2^64 − 1) are refused where they are parsed.
        "origin\n9223372036854775808\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n18446744073709551615\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    ])
    func malformedCheckpoints(body: String) {
        #expect(throws: LedgerCoreError.self) { try Checkpoint.parse(body: body) }
    }

    @Test("the largest size a store holds parses")
    func largestSize() throws {
        let checkpoint = try Checkpoint.parse(body: "origin\n9223372036854775807\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
        #expect(checkpoint.size == LogLimits.maximumSize)
    }

    @Test("verifier key strings: parse, round-trip, reject a wrong key ID")
    func verifierKeys() throws {
        let v = try Self.vector()
        #expect(throws: LedgerCoreError.self) { try VerifierKey(parsing: v.verifierKey.replacingOccurrences(of: "+56ba8c98+", with: "+56ba8c99+")) }
        #expect(throws: LedgerCoreError.self) { try VerifierKey(parsing: "name+1234+AQ==") }
        #expect(throws: LedgerCoreError.self) { try VerifierKey(parsing: "na me+56ba8c98+AWEE") }
        let key = try VerifierKey(parsing: v.verifierKey + "\n")
        #expect(key.name == v.keyName)
    }

    @Test("HQ cosignatures follow tlog-cosignature v1 and bind the time")
    func cosignatures() throws {
        let v = try Self.vector()
        let checkpoint = try UnverifiedCheckpoint(parsing: v.signedNote).checkpoint
        let cosigner = try Cosigner.generate(name: "creditsync.samr/hq")
        let signature = try cosigner.cosign(checkpoint, time: 1_763_000_000)
        #expect(signature.signature.count == 72)
        #expect(CosignatureVerifier.timestamp(of: signature.signature) == 1_763_000_000)
        let key = try VerifierKey(parsing: cosigner.verifierKey)
        #expect(key.typeAndKey.first == 0x04)
        let verifier = try CosignatureVerifier(verifierKey: key)
        let note = SignedNote(text: checkpoint.body, signatures: [signature])
        #expect(try note.verify([verifier]).count == 1)
        // Changing the time in the payload breaks it; so does another checkpoint.
        var retimed = signature
        retimed.signature[7] ^= 1
        #expect(throws: LedgerCoreError.self) { try SignedNote(text: checkpoint.body, signatures: [retimed]).verify([verifier]) }
        let other = Checkpoint(origin: checkpoint.origin, size: 9, root: checkpoint.root)
        #expect(throws: LedgerCoreError.self) { try SignedNote(text: other.body, signatures: [signature]).verify([verifier]) }
        // The log's own Ed25519 verifier does not accept a cosignature (different type, key ID).
        #expect(throws: LedgerCoreError.self) {
            try note.verify([try Ed25519NoteVerifier(name: cosigner.name, publicKey: cosigner.publicKey)])
        }
        let reloaded = try Cosigner(privateKeyString: cosigner.privateKeyString)
        #expect(reloaded.verifierKey == cosigner.verifierKey)
    }
}

/// A verifier that claims any key's name and ID but accepts nothing.
struct CollidingVerifier: NoteVerifier {
    let name: String
    let keyID: UInt32
    func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool { false }
}
