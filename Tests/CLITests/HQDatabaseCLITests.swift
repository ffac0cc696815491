import Foundation
import Testing
import TestSupport

/// `hq db` through the storage drivers' factory (the CLI names no driver), and `hq serve`'s
/// database flag under both spellings.
@Suite("HQ database CLI")
struct HQDatabaseCLITests {
    @Test("hq db status shows pending migrations (exit 5), migrate applies them once, status then passes")
    func migrations() async throws {
        let database = try await TestPostgres.database()
        let pending = try await CLI.run(["hq", "db", "status", "--database", database])
        #expect(pending.status == 5, "\(pending)")
        #expect(pending.stdout.contains("  pending 1 registry and mirrors") && pending.stdout.contains("  pending 3 feeds"), "\(pending.stdout)")

        let migrated = try await CLI.run(["hq", "db", "migrate", "--database", database])
        #expect(migrated.status == 0 && migrated.stdout.contains("applied migrations 1, 2, 3, 4"), "\(migrated)")
        let again = try await CLI.run(["hq", "db", "migrate", "--database", database])
        #expect(again.status == 0 && again.stdout.contains("the schema is up to date"), "\(again)")

        let status = try await CLI.run(["hq", "db", "status", "--database", database])
        #expect(status.status == 0 && status.stdout.contains("  applied 3 feeds") && status.stdout.contains("  applied 4 held central risk items") && !status.stdout.contains("pending"), "\(status)")
    }

    @Test("hq serve takes --database, keeps --database-url as its old spelling, and refuses both at once")
    func databaseFlag() async throws {
        let both = try await CLI.run(["hq", "serve", "--database", "postgres://a@127.0.0.1:1/x", "--database-url", "postgres://a@127.0.0.1:1/y"])
        #expect(both.status != 0 && both.stderr.contains("give --database once (--database-url is its old spelling)"), "\(both)")
        let help = try await CLI.run(["hq", "serve", "--help"])
        #expect(help.stdout.contains("--database <database>") && !help.stdout.contains("--database-url"), "\(help.stdout)")
    }
}
