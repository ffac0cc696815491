import Foundation
import Testing
import TestSupport

/// The default suite's checkpoints and proofs, checked with Go's golang.org/x/mod/sumdb/note and
/// sumdb/tlog (Protocol/formats.md §7): code nobody on this project wrote. `scripts/test` installs
/// Debian's golang-go and golang-golang-x-mod-dev; without them this test fails saying so.
@Suite("Go interop")
struct GoInteropTests {
    static let program = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("GoInterop/interop.go")
    static let gopath = "/usr/share/gocode"

    func go(_ arguments: [String], in directory: TemporaryDirectory) async throws -> (status: Int32, output: String) {
        guard let go = ["/usr/bin/go", "/usr/lib/go/bin/go", "/usr/local/go/bin/go"].first(where: FileManager.default.isExecutableFile) else {
            throw VectorError("Go is not installed: install Debian's golang-go and golang-golang-x-mod-dev (scripts/test does)")
        }
        guard FileManager.default.fileExists(atPath: Self.gopath + "/src/golang.org/x/mod/sumdb/note/note.go") else {
            throw VectorError("golang.org/x/mod is not installed: install Debian's golang-golang-x-mod-dev (scripts/test does)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GO111MODULE"] = "off"
        environment["GOPATH"] = Self.gopath
        environment["GOCACHE"] = directory.appending("go-cache").path
        environment["GOFLAGS"] = ""
        return try await Shell.run(go, ["run", Self.program.path] + arguments, environment: environment)
    }

    @Test("Go's note.Open, tlog.CheckRecord and tlog.CheckTree accept what the CLI prints, and refuse a changed byte")
    func goAccepts() async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        func write(_ name: String, _ text: String) throws -> String {
            let path = directory.appending(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000"])
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(0..<1000).utf8))
        let old = try write("old.note", try await CLI.run(["province", "checkpoint", "--ledger", ledger]).stdout)
        try await CLI.run(["province", "append", "--ledger", ledger], input: Data(TestRecords.ndjson(1000..<5000).utf8))
        let new = try write("new.note", try await CLI.run(["province", "checkpoint", "--ledger", ledger]).stdout)
        let key = try await CLI.run(["province", "key", "--ledger", ledger]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var entry = try await CLI.run(["province", "entry", "--ledger", ledger, "--index", "777"]).stdout
        entry.removeLast()  // the newline the CLI adds
        let entryPath = try write("entry", entry)
        let inclusion = try write("inclusion.json", try await CLI.run(["province", "proof", "inclusion", "--ledger", ledger, "--index", "777"]).stdout)
        let consistency = try write("consistency.json", try await CLI.run(["province", "proof", "consistency", "--ledger", ledger, "--from", "1000"]).stdout)

        let accepted = try await go([key, new, old, inclusion, entryPath, "777", consistency], in: directory)
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(accepted.output.contains("ok: note.Open"))

        // One changed byte of the entry, a checkpoint whose size line was edited, a wrong key.
        let changed = try write("changed", entry.replacingOccurrences(of: "测试企业777", with: "测试企业778"))
        let refusedEntry = try await go([key, new, old, inclusion, changed, "777", consistency], in: directory)
        #expect(refusedEntry.status != 0 && refusedEntry.output.contains("RecordHash"), "\(refusedEntry.output)")
        let edited = try write("edited.note", try String(contentsOfFile: new, encoding: .utf8).replacingOccurrences(of: "\n5000\n", with: "\n5001\n"))
        let refusedNote = try await go([key, edited, old, inclusion, entryPath, "777", consistency], in: directory)
        #expect(refusedNote.status != 0 && refusedNote.output.contains("note.Open"), "\(refusedNote.output)")
        let otherKey = try await CLI.run(["province", "init", "--ledger", directory.appending("other").path, "--province", "440000"]).stdout
        let other = try #require(otherKey.split(separator: "\n").first { $0.hasPrefix("verifier key: ") }).dropFirst("verifier key: ".count)
        let refusedKey = try await go([String(other), new, old, inclusion, entryPath, "777", consistency], in: directory)
        #expect(refusedKey.status != 0, "\(refusedKey.output)")
    }
}
