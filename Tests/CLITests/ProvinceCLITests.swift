import Foundation
import GRDB
import LedgerCore
import NationalCrypto
import Testing
import TestSupport

/// The province CLI as other tools drive it: exact command shapes and outputs.
@Suite("Province CLI")
struct ProvinceCLITests {
    @Test("init, append, checkpoint, key, entry, proofs, state and verify", arguments: SuiteID.allCases)
    func ledgerStory(suite: SuiteID) async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        let initialized = try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000", "--suite", suite.rawValue])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: ledger + "/signing.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let input = try await CLI.run(["gen", "records", "--province", "440000", "--count", "700", "--seed", "3"])
        #expect(input.status == 0)
        #expect(input.stdout.split(separator: "\n").count == 700)
        let appended = try await CLI.run(["province", "append", "--ledger", ledger, "--batch-size", "256"], input: Data(input.stdout.utf8))
        #expect(appended.status == 0, "\(appended.stderr)")
        #expect(appended.stdout.contains("appended 700, skipped 0 duplicates, rejected 0"))

        let checkpointText = try await CLI.run(["province", "checkpoint", "--ledger", ledger]).stdout
        let keyText = try await CLI.run(["province", "key", "--ledger", ledger]).stdout
        let (keySuite, verifier) = try Suites.logVerifier(for: try VerifierKey(parsing: keyText))
        #expect(keySuite.id == suite)
        let checkpoint = try UnverifiedCheckpoint(parsing: checkpointText).verify(logKey: verifier, suite: suite)
        #expect(checkpoint.size == 700)
        #expect(checkpoint.checkpoint.origin == "creditsync.samr/province/440000")
        #expect(checkpoint.checkpoint.extensions == (suite == .sm3SM2 ? ["suite sm3-sm2"] : []))

        let hasher = Suites.named(suite).treeHasher
        let entry = try await CLI.run(["province", "entry", "--ledger", ledger, "--index", "123"]).stdout
        #expect(entry.hasSuffix("}\n"))
        let entryBytes = Array(entry.utf8.dropLast())
        #expect(try CanonicalJSON.canonicalize(entryBytes) == entryBytes)
        let inclusion = try InclusionProof(json: Array(try await CLI.run(["province", "proof", "inclusion", "--ledger", ledger, "--index", "123"]).stdout.utf8))
        #expect(inclusion.leafHash == hasher.leafHash(entryBytes))
        try inclusion.verify(root: checkpoint.root, hasher: hasher)

        let older = try await CLI.run(["province", "proof", "inclusion", "--ledger", ledger, "--index", "5", "--size", "256"])
        #expect(try InclusionProof(json: Array(older.stdout.utf8)).treeSize == 256)
        let consistency = try ConsistencyProof(json: Array(try await CLI.run(["province", "proof", "consistency", "--ledger", ledger, "--from", "256"]).stdout.utf8))
        #expect(consistency.oldSize == 256 && consistency.newSize == 700)
        // The checkpoint of size 256 was signed by the first batch; the proof links it to the latest.
        let queue = try DatabaseQueue(path: ledger + "/ledger.sqlite")
        let note256 = try await queue.read { db in try String.fetchOne(db, sql: "SELECT note FROM checkpoint WHERE size = 256") }
        let checkpoint256 = try UnverifiedCheckpoint(parsing: try #require(note256)).verify(logKey: verifier, suite: suite)
        try consistency.verify(oldRoot: checkpoint256.root, newRoot: checkpoint.root, hasher: hasher)

        let record = try JSONParser.parse(entryBytes)
        let state = try await CLI.run(["province", "state", "--ledger", ledger, "--category", record["category"]!.stringValue!, "--id", record["id"]!.stringValue!])
        #expect(state.status == 0)
        #expect(state.stdout.contains("\"content_hash\""))

        let verified = try await CLI.run(["province", "verify", "--ledger", ledger])
        #expect(verified.status == 0)
        #expect(verified.stdout.hasPrefix("ok: 700 entries"))
    }

    @Test("bad input of every kind is rejected with its line number; everything else is stored", arguments: SuiteID.allCases)
    func badInput(suite: SuiteID) async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000", "--suite", suite.rawValue])
        let good = (0..<4).map { TestRecords.json($0) }
        let huge = #"{"change_id":"big","province":"440000","category":"x","id":"1","op":"upsert","fields":{"t":""# + String(repeating: "长", count: 30_000) + "\"}}"
        var lines: [String] = [
            good[0],                                                                      // 1
            "this is not json",                                                           // 2
            #"{"province":"440000","category":"x","id":"1","op":"upsert"}"#,              // 3 missing change_id
            #"{"change_id":"a","province":"440000","id":"1","op":"upsert"}"#,             // 4 missing category
            good[1],                                                                      // 5
            #"{"change_id":"b","province":"440000","category":"x","op":"upsert"}"#,       // 6 missing id
            #"{"change_id":"c","province":"440000","category":"x","id":"1"}"#,            // 7 missing op
            #"{"change_id":"d","category":"x","id":"1","op":"upsert"}"#,                  // 8 missing province
            TestRecords.json(90, province: "310000"),                                     // 9 another province
            huge,                                                                         // 10 over 64 KiB
            #"{"change_id":"e","change_id":"f","province":"440000","category":"x","id":"1","op":"upsert"}"#, // 11 duplicate key
            #"{"change_id":"g","province":"440000","category":"x","id":"1","op":"upsert","x":"\ud800"}"#,    // 12 lone surrogate
            #"{"change_id":"h","province":"440000","category":"x","id":"1","op":"upsert","x":1e999}"#,       // 13 non-finite
            "",                                                                           // 14 blank: skipped silently
            good[2],                                                                      // 15
        ]
        var bytes = Data(lines.joined(separator: "\n").utf8)
        bytes.append(contentsOf: [0x0A] + Array(#"{"change_id":"i","province":"440000","category":"x","id":"1","op":"upsert","n":""#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)) // 16 invalid UTF-8
        bytes.append(contentsOf: Array((good[3] + "\r\n").utf8))                          // 17 CRLF is fine
        lines.removeAll()

        let file = directory.appending("input.ndjson")
        try bytes.write(to: file)
        let result = try await CLI.run(["province", "append", "--ledger", ledger, file.path])
        #expect(result.status == 3)
        #expect(result.stdout.contains("appended 4, skipped 0 duplicates, rejected 12"))
        let expected: [(Int, String)] = [
            (2, "json.malformed"), (3, "record.missing-field"), (4, "record.missing-field"), (6, "record.missing-field"),
            (7, "record.missing-field"), (8, "record.missing-field"), (9, "record.wrong-province"), (10, "record.too-large"),
            (11, "json.duplicate-key"), (12, "json.lone-surrogate"), (13, "json.non-finite-number"), (16, "json.invalid-utf8"),
        ]
        let reported = result.stderr.split(separator: "\n").filter { $0.hasPrefix(file.path + ":") }
        #expect(reported.count == expected.count, "\(result.stderr)")
        for (line, code) in expected {
            #expect(reported.contains { $0.hasPrefix("\(file.path):\(line): ") && $0.hasSuffix("[\(code)]") }, "line \(line) \(code)")
        }
        // Exactly the good records are stored, in order, and the ledger verifies.
        for (index, record) in [good[0], good[1], good[2], good[3]].enumerated() {
            let stored = try await CLI.run(["province", "entry", "--ledger", ledger, "--index", String(index)]).stdout
            #expect(Array(stored.utf8.dropLast()) == (try CanonicalJSON.canonicalize(Array(record.utf8))))
        }
        #expect(try await CLI.run(["province", "entry", "--ledger", ledger, "--index", "4"]).status != 0)
        #expect(try await CLI.run(["province", "verify", "--ledger", ledger]).status == 0)
    }

    @Test("verify exits 4 and names the first bad index of a tampered copy")
    func verifyExitCode() async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000"])
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(0..<50).utf8))
        let queue = try DatabaseQueue(path: ledger + "/ledger.sqlite")
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER entry_append_only_update; UPDATE entry SET data = CAST(replace(CAST(data AS TEXT), '测试企业', '测试企亚') AS BLOB) WHERE idx = 31")
        }
        try queue.close()
        let result = try await CLI.run(["province", "verify", "--ledger", ledger])
        #expect(result.status == 4)
        #expect(result.stderr.contains("first bad index: 31"))
        #expect(result.stderr.contains("hint:"))
    }

    @Test("usage errors are clear", arguments: [
        (["province", "init", "--ledger", "X", "--province", "990000"], "not one of the 31 province codes"),
        (["province", "init", "--ledger", "X", "--province", "44"], "not a province code"),
        (["province", "init", "--ledger", "X", "--province", "440000", "--suite", "md5-rsa"], "unknown suite"),
        (["province", "checkpoint", "--ledger", "/nonexistent/ledger"], "no ledger in"),
    ])
    func usageErrors(arguments: [String], message: String) async throws {
        let directory = try TemporaryDirectory()
        let result = try await CLI.run(arguments.map { $0 == "X" ? directory.appending("l").path : $0 })
        #expect(result.status == 5)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("indexes and sizes beyond 2^63 − 1 exit 5 with a clear message, never a trap", arguments: [
        ["province", "entry", "--index", "9223372036854775808"],
        ["province", "entry", "--index", "18446744073709551615"],
        ["province", "proof", "inclusion", "--index", "1", "--size", "9223372036854775808"],
        ["province", "proof", "consistency", "--from", "9223372036854775808"],
    ])
    func hugeNumbers(arguments: [String]) async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000"])
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(0..<10).utf8))
        let result = try await CLI.run(arguments + ["--ledger", ledger])
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("9223372036854775807"), "\(result.stderr)")
    }

    @Test("rotate-key: the new key signs what follows, the old checkpoints still verify")
    func rotateKey() async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000"])
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(0..<10).utf8))
        let oldKey = try await CLI.run(["province", "key", "--ledger", ledger]).stdout
        let rotated = try await CLI.run(["province", "rotate-key", "--ledger", ledger, "--out", directory.appending("rotation.note").path])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let newKey = try await CLI.run(["province", "key", "--ledger", ledger]).stdout
        #expect(newKey != oldKey && rotated.stdout.contains(newKey.trimmingCharacters(in: .newlines)))
        let note = try String(contentsOf: directory.appending("rotation.note"), encoding: .utf8)
        #expect(note.components(separatedBy: "\n\u{2014} ").count == 3, "two signature lines: \(note)")
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(10..<20).utf8))
        #expect(try await CLI.run(["province", "verify", "--ledger", ledger]).status == 0)
        let retired = try FileManager.default.contentsOfDirectory(atPath: ledger).filter { $0.hasPrefix("signing.key.retired-") }
        #expect(retired.count == 1)
    }

    @Test("an SM2-signed checkpoint verifies with the OpenSSL CLI alone, following Protocol/formats.md")
    func sm2CheckpointWithOpenSSL() async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "310000", "--suite", "sm3-sm2"])
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(0..<20, province: "310000").utf8))
        let note = try await CLI.run(["province", "checkpoint", "--ledger", ledger]).stdout
        // formats.md: the signed text is everything up to and including the line before the blank
        // line; the signature line's base64 decodes to a 4-byte key ID and a DER SM2 signature.
        let parts = note.components(separatedBy: "\n\n")
        let body = parts[0] + "\n"
        let line = parts[1].trimmingCharacters(in: .newlines)
        let payload = try #require(Data(base64Encoded: String(line.split(separator: " ").last!)))
        try Data(body.utf8).write(to: directory.appending("body"))
        try payload.dropFirst(4).write(to: directory.appending("sig.der"))
        let (status, output) = try await Shell.run("/usr/bin/openssl", [
            "pkeyutl", "-verify", "-pubin", "-inkey", ledger + "/signing.pub.pem", "-rawin", "-digest", "sm3",
            "-pkeyopt", "distid:1234567812345678", "-in", directory.appending("body").path, "-sigfile", directory.appending("sig.der").path,
        ])
        #expect(status == 0, "\(output)")
        // The shell recipe of formats.md, as shipped in ops/, agrees.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ops/verify-sm2-checkpoint.sh").path
        try Data(note.utf8).write(to: directory.appending("cp.txt"))
        let (scriptStatus, scriptOutput) = try await Shell.run("/bin/sh", [script, ledger, directory.appending("cp.txt").path])
        #expect(scriptStatus == 0 && scriptOutput.contains("Signature Verified Successfully"), "\(scriptOutput)")
        // The private key file is PKCS#8 PEM that OpenSSL reads as an SM2 key.
        let (keyStatus, keyText) = try await Shell.run("/usr/bin/openssl", ["pkey", "-in", ledger + "/signing.key", "-noout", "-text"])
        #expect(keyStatus == 0 && keyText.contains("SM2"), "\(keyText)")
    }
}
