import Foundation
import GRDB
import LedgerCore
import LedgerStore
import NationalCrypto
import Spawning
import Testing
import TestSupport

@Suite("Crash safety")
struct CrashTests {
    /// A child appending a large input is killed with SIGKILL mid-way. Reopening gives a valid last
    /// checkpoint, verify passes, and re-appending the same input adds each record exactly once.
    @Test("SIGKILL during a large append", arguments: SuiteID.allCases)
    func killDuringAppend(suite: SuiteID) async throws {
        let directory = try TemporaryDirectory()
        let ledger = directory.appending("ledger").path
        let input = directory.appending("input.ndjson").path
        let total = 40_000
        try await CLI.run(["province", "init", "--ledger", ledger, "--province", "440000", "--suite", suite.rawValue])
        #expect(try await CLI.run(["gen", "records", "--province", "440000", "--count", String(total), "--out", input]).status == 0)

        let child = try await CLI.start(["province", "append", "--ledger", ledger, "--batch-size", "1000", input])
        let store = try LedgerStore.open(at: ledger + "/ledger.sqlite", suite: Suites.named(suite))
        // Kill once a few batches have committed, while later ones are being written.
        let deadline = ContinuousClock.now + .seconds(120)
        var seen: UInt64 = 0
        while ContinuousClock.now < deadline, child.isRunning {
            seen = try await store.size()
            if seen >= 3000 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(child.isRunning, "the child finished before it could be killed; make the input larger")
        child.signal(SIGKILL)
        #expect(try await child.wait() == .signalled(SIGKILL))

        let checkpoint = try await #require(try store.latestCheckpoint())
        #expect(checkpoint.size >= 3000 && checkpoint.size < UInt64(total))
        await #expect(try store.size() == checkpoint.size)
        let report = try await store.verify()
        #expect(report.entries == checkpoint.size)
        try store.close()
        let verified = try await CLI.run(["province", "verify", "--ledger", ledger])
        #expect(verified.status == 0, "\(verified.stderr)")

        let again = try await CLI.run(["province", "append", "--ledger", ledger, "--batch-size", "5000", input])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("appended \(UInt64(total) - checkpoint.size), skipped \(checkpoint.size) duplicates, rejected 0"), "\(again.stdout)")
        let final = try LedgerStore.open(at: ledger + "/ledger.sqlite", suite: Suites.named(suite))
        await #expect(try final.verify().entries == UInt64(total))
        // Each change_id once.
        let distinct = try await DatabaseQueue(path: ledger + "/ledger.sqlite").read { db in try Int.fetchOne(db, sql: "SELECT count(DISTINCT change_id) FROM entry") }
        #expect(distinct == total)
    }
}
