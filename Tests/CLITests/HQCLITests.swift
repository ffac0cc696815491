import Foundation
import GRDB
import LedgerCore
import NationalCrypto
import Spawning
import Synthetic
import Testing
import TestSupport

/// The HQ and sync commands as an operator runs them: real processes, real files, loopback mTLS,
/// and a SIGTERM at the end.
@Suite("HQ and sync CLI")
struct HQCLITests {
    @Test("pki, hq init/enroll/serve, province sync/receipts, hq status, graceful stop on SIGTERM")
    func operatorStory() async throws {
        let directory = try TemporaryDirectory()
        func path(_ name: String) -> String { directory.appending(name).path }
        func ok(_ arguments: [String], input: Data? = nil) async throws -> String {
            let result = try await CLI.run(arguments, input: input)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result.stdout
        }
        _ = try await ok(["pki", "init-ca", "--out", path("ca")])
        _ = try await ok(["pki", "issue", "--ca", path("ca"), "--hq", "127.0.0.1", "--out", path("hq-tls")])
        _ = try await ok(["pki", "issue", "--ca", path("ca"), "--province", "310000", "--out", path("sh-tls")])
        let hqInit = try await ok(["hq", "init", "--data", path("hq")])
        // Shanghai is a national-suite province: its hq_key is HQ's SM2 cosigner key.
        let hqKey = try String(contentsOfFile: path("hq/cosigner-sm2.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let ed25519Key = try String(contentsOfFile: path("hq/cosigner.pub"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(hqInit.contains(hqKey) && hqInit.contains(ed25519Key))
        _ = try await ok(["province", "init", "--ledger", path("sh"), "--province", "310000", "--suite", "sm3-sm2"])
        let key = try await ok(["province", "key", "--ledger", path("sh")]).trimmingCharacters(in: .newlines)
        let enrolled = try await ok(["hq", "enroll", "--data", path("hq"), "--province", "310000", "--key", key])
        #expect(enrolled.contains("suite sm3-sm2"))
        let feedKey = try #require(enrolled.split(separator: "\n").first { $0.contains("hq_feed_key") }?.split(separator: " ").last).description
        _ = try await CLI.run(["province", "append", "--ledger", path("sh")], input: Data(TestRecords.ndjson(0..<600, province: "310000").utf8))

        // Usage errors name the missing setting and exit 5.
        let missing = try await CLI.run(["hq", "serve", "--data", path("hq")])
        #expect(missing.status == 5 && missing.stderr.contains("missing setting cert"))

        let log = directory.appending("hq.log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let server = try await CLI.start(["hq", "serve", "--data", path("hq"), "--listen", "127.0.0.1:0", "--operator-listen", "127.0.0.1:0",
                                          "--cert", path("hq-tls/cert.pem"), "--key", path("hq-tls/key.pem"), "--ca", path("ca/ca.pem")], log: log)
        defer { server.signal(SIGTERM) }
        var port: Int?
        for _ in 0..<600 where port == nil {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("HQ listening") }), let match = line.firstMatch(of: /:(\d+) \[creditsync\]/) {
                port = Int(match.1)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let hqURL = "https://127.0.0.1:\(try #require(port))"

        // The config file and flags of the same names; flags win (a wrong URL in the file).
        let config = directory.appending("province.json")
        try Data(#"{"ledger": "\#(path("sh"))", "hq_url": "https://127.0.0.1:1", "cert": "\#(path("sh-tls/cert.pem"))", "key": "\#(path("sh-tls/key.pem"))", "ca": "\#(path("ca/ca.pem"))", "hq_key": "\#(hqKey)"}"#.utf8).write(to: config)
        let synced = try await ok(["province", "sync", "--config", config.path, "--hq-url", hqURL])
        #expect(synced.contains("uploaded 600 entries; HQ holds size 600"), "\(synced)")
        // HQ unreachable: exit 6.
        let unreachable = try await CLI.run(["province", "sync", "--config", config.path, "--retries", "0"])
        #expect(unreachable.status == 6, "\(unreachable.stderr)")
        // Another province's certificate: refused, exit 7.
        _ = try await ok(["pki", "issue", "--ca", path("ca"), "--province", "440000", "--out", path("gd-tls")])
        let refused = try await CLI.run(["province", "sync", "--config", config.path, "--hq-url", hqURL, "--cert", path("gd-tls/cert.pem"), "--key", path("gd-tls/key.pem")])
        #expect(refused.status == 7 && refused.stderr.contains("403"), "\(refused.stderr)")

        let receipts = try await ok(["province", "receipts", "--ledger", path("sh")])
        #expect(receipts.contains("size 600") && receipts.contains("cosigned by creditsync.samr/hq"))
        let status = try await ok(["hq", "status", "--data", path("hq"), "--lang", "en"])
        #expect(status.contains("310000") && status.contains("600"))
        let json = try await ok(["hq", "status", "--data", path("hq"), "--json"])
        #expect(json.contains("\"mirror_size\" : 600") && json.contains("\"receipts\" : 1"))

        // Central risk information: imported at HQ beside the running server, delivered in the
        // province's sync (SM3 feed, SM2 signatures), acknowledged, listed at the province.
        var generator = CentralRiskGenerator(seed: 5)
        let entity = generator.uscc(division: "310115")
        let risk = directory.appending("risk.ndjson")
        let centralEntity = generator.uscc(division: "100000")
        var lines: [UInt8] = generator.record(uscc: entity)
        lines.append(0x0A)
        lines += generator.record(uscc: centralEntity)
        lines.append(0x0A)
        try Data(lines).write(to: risk)
        let imported = try await CLI.run(["hq", "risk", "import", "--data", path("hq"), risk.path])
        // The central authority's entity cannot be routed yet: held, not rejected.
        #expect(imported.status == 0 && imported.stdout.contains("310000: 1 new feed entries") && imported.stdout.contains("1 held")
                && !imported.stderr.contains("risk.ndjson:2:"), "\(imported.stdout) \(imported.stderr)")
        let withFeed = try await ok(["province", "sync", "--config", config.path, "--hq-url", hqURL, "--hq-feed-key", feedKey])
        #expect(withFeed.contains("feed: applied 1 central risk entries in 1 deliveries"), "\(withFeed)")
        let listed = try await ok(["province", "risk", "--ledger", path("sh"), "--uscc", entity])
        #expect(listed.contains("feed creditsync.samr/hq/feed/310000 entry 0") && listed.contains("认定日期"), "\(listed)")
        let feedStatus = try await ok(["hq", "status", "--data", path("hq"), "--json"])
        #expect(feedStatus.contains("\"acknowledged_size\" : 1") && feedStatus.contains("\"cosigned_size\" : 1"), "\(feedStatus)")
        // A feed key that is not HQ's: the delivery is refused, exit 7, nothing applied.
        let strangerKey = try SM2NoteSigner.generate(name: "creditsync.samr/hq/feed/310000").verifierKey
        let wrongFeed = try await CLI.run(["province", "sync", "--config", config.path, "--hq-url", hqURL, "--hq-feed-key", strangerKey])
        #expect(wrongFeed.status == 7 && wrongFeed.stderr.contains("FEED REFUSED") && wrongFeed.stderr.contains("does not verify with the configured hq_feed_key"), "\(wrongFeed.stderr)")
        #expect(try await ok(["province", "risk", "--ledger", path("sh"), "--uscc", entity]) == listed)

        // The held item is listed with its reason; a register import that registers its entity in
        // Shanghai routes it there (HQ's keys are in the data directory), and the queue empties.
        let held = try await ok(["hq", "risk", "held", "--data", path("hq")])
        #expect(held.contains(centralEntity) && held.contains("[central-authority]") && held.contains("1 held"), "\(held)")
        let registration = directory.appending("register.ndjson")
        try Data(#"{"v":1,"change_id":"reg-central","province":"310000","category":"registration","id":"R-CENTRAL","op":"upsert","entity":{"uscc":"\#(centralEntity)","name":"中央登记企业"},"fields":{}}"#.utf8 + [0x0A]).write(to: registration)
        let registered = try await ok(["hq", "register", "import", "--data", path("hq"), registration.path])
        #expect(registered.contains("1 released to feeds, 0 still held"), "\(registered)")
        #expect(try await ok(["hq", "risk", "held", "--data", path("hq")]).contains("0 held"))
        let released = try await ok(["province", "sync", "--config", config.path, "--hq-url", hqURL, "--hq-feed-key", feedKey])
        #expect(released.contains("feed: applied 1 central risk entries"), "\(released)")
        #expect(try await ok(["province", "risk", "--ledger", path("sh"), "--uscc", centralEntity]).contains("feed creditsync.samr/hq/feed/310000 entry 1"))

        // A second server on the same embedded storage is refused (its leases are in memory).
        let second = try await CLI.run(["hq", "serve", "--data", path("hq"), "--listen", "127.0.0.1:0", "--operator-listen", "",
                                        "--cert", path("hq-tls/cert.pem"), "--key", path("hq-tls/key.pem"), "--ca", path("ca/ca.pem")])
        #expect(second.status == 5 && second.stderr.contains("another `hq serve` is already serving"), "\(second.stderr)")

        // Revocation, as an operator does it beside the running server: the next sync is refused.
        let serial = try await ok(["pki", "serial", "--cert", path("sh-tls/cert.pem")]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await ok(["hq", "revoke", "--data", path("hq"), "--serial", serial, "--province", "310000", "--reason", "laptop stolen"]).contains("revoked certificate"))
        _ = try await CLI.run(["province", "append", "--ledger", path("sh")], input: Data(TestRecords.ndjson(600..<610, province: "310000").utf8))
        let revoked = try await CLI.run(["province", "sync", "--config", config.path, "--hq-url", hqURL])
        #expect(revoked.status == 7 && revoked.stderr.contains("revoked"), "\(revoked.stderr)")
        #expect(try await ok(["hq", "status", "--data", path("hq"), "--lang", "en"]).contains("laptop stolen"))

        #expect(try await server.stop() == .exited(0))
        #expect(try String(contentsOf: log, encoding: .utf8).contains("HQ stopped"))

        // HQ's fsck: the mirror verifies; one changed entry (its trigger dropped first) is named, exit 4.
        let verified = try await ok(["hq", "verify", "--data", path("hq")])
        #expect(verified.contains("310000 ok: 604 entries") && verified.contains("310000 feed ok: 2 entries"), "\(verified)")
        let mirror = try DatabaseQueue(path: path("hq/mirrors/310000.sqlite"))
        try await mirror.write { db in
            try db.execute(sql: "DROP TRIGGER entry_append_only_update")
            try db.execute(sql: #"UPDATE entry SET data = CAST(replace(CAST(data AS TEXT), '"op"', ' "op"') AS BLOB) WHERE idx = 437"#)
        }
        try mirror.close()
        let tampered = try await CLI.run(["hq", "verify", "--data", path("hq"), "--province", "310000"])
        #expect(tampered.status == 4 && tampered.stdout.contains("310000 FAILED") && tampered.stderr.contains("437"), "\(tampered.stdout) \(tampered.stderr)")
    }
}
