import Foundation
import LedgerCore
import NationalCrypto
import Testing
import TestSupport

@Suite("SM3 and SM2 through the system OpenSSL 3")
struct NationalCryptoTests {
    struct SM3File: Decodable {
        struct Vector: Decodable { let messageHex: String; let sm3Hex: String }
        let vectors: [Vector]
    }

    struct SM2File: Decodable {
        struct Vector: Decodable { let messageHex: String; let signatureRsHex: String; let signatureDerHex: String }
        let publicKeyHex: String
        let spkiPem: String
        let userId: String
        let vectors: [Vector]
    }

    @Test("reproduces every SM3 digest in sm3.json")
    func sm3Vectors() throws {
        let file = try Vectors.decode(SM3File.self, from: "sm3.json")
        #expect(file.vectors.count == 5)
        for vector in file.vectors {
            #expect(SM3Algorithm().hash([UInt8](vectorHex: vector.messageHex)).hex == vector.sm3Hex)
        }
        // The leaf-prefix form equals hashing the concatenation (vector 4 is 0x00 || "leaf").
        let leaf = Array("leaf".utf8)
        #expect(Suite.sm3SM2.treeHasher.leafHash(leaf).hex == "3acdbb087f297c76009a6a41d745cfcb79e965ede2a5db9b947ad5770f238a11")
    }

    @Test("verifies every SM2 signature in sm2.json, by point and by SPKI PEM")
    func sm2Vectors() throws {
        let file = try Vectors.decode(SM2File.self, from: "sm2.json")
        #expect(file.userId == "1234567812345678")
        let byPoint = try SM2NoteVerifier(name: "t", publicKey: [UInt8](vectorHex: file.publicKeyHex))
        let byPEM = try SM2NoteVerifier(name: "t", publicKeyPEM: file.spkiPem)
        #expect(byPoint.keyID == byPEM.keyID)
        for vector in file.vectors {
            let message = [UInt8](vectorHex: vector.messageHex)
            let signature = [UInt8](vectorHex: vector.signatureDerHex)
            #expect(byPoint.verify(signature, for: message))
            #expect(byPEM.verify(signature, for: message))
            #expect(!byPoint.verify(signature, for: message + [0x0A]))
            var flipped = signature
            flipped[flipped.count - 1] ^= 1
            #expect(!byPoint.verify(flipped, for: message))
            // Raw r||s is not our wire form.
            #expect(!byPoint.verify([UInt8](vectorHex: vector.signatureRsHex), for: message))
        }
    }

    @Test("signs, and its signatures verify; keys survive PEM")
    func signThenVerify() throws {
        let signer = try SM2NoteSigner.generate(name: "creditsync.test/province/440000")
        let message = Array("creditsync.test/province/440000\n0\n".utf8)
        let signature = try signer.sign(message)
        let verifier = try SM2NoteVerifier(name: signer.name, publicKey: signer.publicKey)
        #expect(verifier.verify(signature, for: message))
        #expect(verifier.keyID == signer.keyID)
        let reloaded = try SM2NoteSigner(name: signer.name, privateKeyPEM: try signer.privateKeyPEM())
        #expect(reloaded.publicKey == signer.publicKey)
        #expect(verifier.verify(try reloaded.sign(message), for: message))
        let pemVerifier = try SM2NoteVerifier(name: signer.name, publicKeyPEM: try signer.publicKeyPEM())
        #expect(pemVerifier.verify(signature, for: message))
        #expect(try signer.privateKeyPEM().hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try signer.publicKeyPEM().hasPrefix("-----BEGIN PUBLIC KEY-----"))
    }

    @Test("SM2 signatures are strict DER of at most 72 bytes, short ones included")
    func strictDER() throws {
        let signer = try SM2NoteSigner.generate(name: "creditsync.test/province/440000")
        let verifier = try SM2NoteVerifier(name: signer.name, publicKey: signer.publicKey)
        // About 1 in 256 signatures is 69 bytes or shorter; sign until one is, and check it verifies.
        var lengths = Set<Int>()
        var short: ([UInt8], [UInt8])?
        for n in 0..<2000 where short == nil {
            let message = Array("message \(n)\n".utf8)
            let signature = try signer.sign(message)
            lengths.insert(signature.count)
            #expect(signature.count <= 72)
            if signature.count <= 70 { short = (signature, message) }
        }
        let (signature, message) = try #require(short, "no short signature in 2,000 (lengths \(lengths))")
        #expect(verifier.verify(signature, for: message))
        // The same signature in a laxer encoding: long-form length, a padded integer, trailing bytes.
        var longForm = signature
        longForm.replaceSubrange(1..<2, with: [0x81, signature[1]])
        let rLength = Int(signature[3])
        var padded = signature
        padded.replaceSubrange(3..<4, with: [UInt8(rLength + 1)])
        padded.insert(0x00, at: 4)
        padded[1] += 1
        for lax in [longForm, padded, signature + [0x00], Array(signature.dropLast())] {
            #expect(!verifier.verify(lax, for: message))
        }
    }

    @Test("SM2 note keys round-trip through verifier key strings and resolve to the national suite")
    func noteKeys() throws {
        let signer = try SM2NoteSigner.generate(name: "creditsync.test/province/310000")
        let key = try VerifierKey(parsing: signer.verifierKey)
        #expect(key.typeAndKey.starts(with: [0xFF] + Array("creditsync.samr/sm2-sm3".utf8)))
        #expect(key.typeAndKey.count == 1 + 23 + 65)
        let (suite, verifier) = try Suites.logVerifier(for: key)
        #expect(suite.id == .sm3SM2)
        let checkpoint = Checkpoint(origin: signer.name, size: 0, root: Suite.sm3SM2.treeHasher.emptyRoot, suite: .sm3SM2)
        #expect(checkpoint.body.hasSuffix("suite sm3-sm2\n"))
        let signed = try VerifiedCheckpoint.sign(checkpoint, with: signer)
        let verified = try UnverifiedCheckpoint(parsing: signed.text).verify(logKey: verifier, suite: .sm3SM2)
        #expect(verified == signed)
        // A national checkpoint is not accepted as a default-suite one.
        #expect(throws: LedgerCoreError.self) { try UnverifiedCheckpoint(parsing: signed.text).verify(logKey: verifier, suite: .sha256Ed25519) }
    }

    @Test("malformed SM2 keys are typed errors")
    func malformedKeys() {
        #expect(throws: NationalCryptoError.self) { try SM2NoteVerifier(name: "t", publicKey: [0x04] + [UInt8](repeating: 1, count: 64)) }
        #expect(throws: NationalCryptoError.self) { try SM2NoteVerifier(name: "t", publicKey: [0x02] + [UInt8](repeating: 1, count: 32)) }
        #expect(throws: NationalCryptoError.self) { try SM2NoteSigner(name: "t", privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(throws: NationalCryptoError.self) { try SM2NoteVerifier(name: "t", publicKeyPEM: "not a pem") }
    }

    @Test("project signatures verify with the OpenSSL CLI, and only with the GB/T 32918 ID")
    func opensslCLI() async throws {
        let directory = try TemporaryDirectory()
        let signer = try SM2NoteSigner.generate(name: "creditsync.test/province/440000")
        let message = Array("creditsync.test/province/440000\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nsuite sm3-sm2\n".utf8)
        let signature = try signer.sign(message)
        try Data(try signer.publicKeyPEM().utf8).write(to: directory.appending("pub.pem"))
        try Data(message).write(to: directory.appending("msg"))
        try Data(signature).write(to: directory.appending("sig"))
        func verify(_ extra: [String]) async throws -> (Int32, String) {
            try await Shell.run("/usr/bin/openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", directory.appending("pub.pem").path,
                                                "-rawin", "-digest", "sm3", "-in", directory.appending("msg").path,
                                                "-sigfile", directory.appending("sig").path] + extra)
        }
        let (status, output) = try await verify(["-pkeyopt", "distid:1234567812345678"])
        #expect(status == 0, "openssl said: \(output)")
        #expect(output.contains("Signature Verified Successfully"))
        // With OpenSSL 3's default empty ID the same signature fails: we really set the ID.
        let (emptyIDStatus, _) = try await verify([])
        #expect(emptyIDStatus != 0)
    }
}

@Suite("SM2 cosignatures")
struct SM2CosignatureTests {
    static let checkpoint = Checkpoint(origin: "creditsync.samr/hq/feed/440000", size: 7,
                                       root: Hash([UInt8](repeating: 7, count: 32)), suite: .sm3SM2)

    @Test("an SM2 cosignature verifies for its checkpoint and time, and for nothing else")
    func roundTrip() throws {
        let cosigner = try SM2Cosigner.generate(name: "creditsync.samr/province/440000/cosigner")
        let signature = try cosigner.cosign(Self.checkpoint, time: 1_764_547_200)
        #expect(signature.keyID == cosigner.keyID && signature.name == cosigner.name)
        #expect((77...80).contains(signature.signature.count))
        let verifier = try Cosignatures.verifier(forKey: cosigner.verifierKey)
        #expect(verifier.keyID == cosigner.keyID)
        let body = Array(Self.checkpoint.body.utf8)
        #expect(verifier.verify(signature.signature, for: body))
        #expect(Cosignatures.timestamp(of: signature.signature) == 1_764_547_200)
        // Another time, another checkpoint, another key: refused.
        var retimed = signature.signature
        retimed[7] ^= 1
        #expect(!verifier.verify(retimed, for: body))
        #expect(!verifier.verify(signature.signature, for: Array(Checkpoint(origin: Self.checkpoint.origin, size: 8, root: Self.checkpoint.root,
                                                                               suite: .sm3SM2).body.utf8)))
        #expect(!(try SM2Cosigner.generate(name: cosigner.name).verifier.verify(signature.signature, for: body)))
        // The signed note machinery takes it as a cosignature line of the checkpoint.
        let logKey = try SM2NoteSigner.generate(name: Self.checkpoint.origin)
        let cosigned = try VerifiedCheckpoint.sign(Self.checkpoint, with: logKey).adding([signature])
        let note = try SignedNote.parse(cosigned.text)
        #expect(try note.verify([verifier]).count == 1)
    }

    @Test("the cosigner key type is its own: never a log key, and its PEM round-trips")
    func keyType() throws {
        let cosigner = try SM2Cosigner.generate(name: "creditsync.samr/hq")
        #expect(cosigner.verifierKey.hasPrefix("creditsync.samr/hq+"))
        #expect(throws: (any Error).self) { try Suite.sm3SM2.verifier(forKey: cosigner.verifierKey) }
        let logKey = try SM2NoteSigner.generate(name: "creditsync.samr/hq")
        #expect(throws: (any Error).self) { try Cosignatures.verifier(forKey: logKey.verifierKey) }
        let again = try SM2Cosigner(name: cosigner.name, privateKeyPEM: try cosigner.privateKeyPEM())
        #expect(again.verifierKey == cosigner.verifierKey)
        let ed25519 = try Cosigner.generate(name: "creditsync.samr/hq")
        #expect(try Cosignatures.verifier(forKey: ed25519.verifierKey).keyID == ed25519.keyID)
    }

    @Test("the OpenSSL CLI verifies an SM2 cosignature over the cosignature/v1 message")
    func opensslCLI() async throws {
        let directory = try TemporaryDirectory()
        let cosigner = try SM2Cosigner.generate(name: "creditsync.samr/hq")
        let signature = try cosigner.cosign(Self.checkpoint, time: 1_764_547_200)
        let pem = try cosigner.publicKeyPEM()
        try Data(pem.utf8).write(to: directory.appending("pub.pem"))
        try Data("cosignature/v1\ntime 1764547200\n\(Self.checkpoint.body)".utf8).write(to: directory.appending("msg"))
        try Data(signature.signature.dropFirst(8)).write(to: directory.appending("sig"))
        let (status, output) = try await Shell.run("/usr/bin/openssl", [
            "pkeyutl", "-verify", "-pubin", "-inkey", directory.appending("pub.pem").path, "-rawin", "-digest", "sm3",
            "-in", directory.appending("msg").path, "-sigfile", directory.appending("sig").path, "-pkeyopt", "distid:1234567812345678",
        ])
        #expect(status == 0 && output.contains("Signature Verified Successfully"), "openssl said: \(output)")
    }
}
