public import Foundation
public import HQStorage
public import LedgerCore
public import Logging
import Mirroring
import NationalCrypto
import PostgresNIO
import Synchronization

/// HQ's storage on PostgreSQL: one database that several stateless `hq serve` processes share.
/// Per-province serialization is the database's (a row lock on the province's `mirror` row in
/// every deciding transaction, an advisory lock per upload held by its connection), never a
/// process's memory, so no interleaving of requests across processes can store two
/// contradicting checkpoints, skip or duplicate an entry, or issue a receipt for entries not
/// stored; a process that dies mid-upload loses its connection, and with it its lock.
public final class PostgresHQStorage: SchemaAdministration {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    /// Feeds whose row and key were checked in this process, by province.
    private let openFeeds = Mutex<[String: (feed: PostgresFeed, key: String)]>([:])

    public var location: String { url.description }
    public var registry: any RegistryStore { PostgresRegistry(client: client, logger: logger) }
    public var register: any RegisterStore { PostgresRegister(client: client, logger: logger) }
    public var audits: any AuditStore { PostgresAudits(client: client, logger: logger) }
    public var heldRisk: any HeldRiskStore { PostgresHeldRisk(client: client, logger: logger) }

    private init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Connects; with `requireSchema`, refuses a database whose schema is not this build's.
    public static func open(url text: String, logger: Logger = Logger(label: "creditsync.hq.postgres"), requireSchema: Bool = true) async throws -> PostgresHQStorage {
        let storage = PostgresHQStorage(url: try PostgresURL(parsing: text), logger: logger)
        do {
            let status = try await storage.schemaStatus()
            if requireSchema, !status.pending.isEmpty {
                throw HQStorageError(.schema, "the database \(storage.location) lacks schema migrations \(status.pending.map { "\($0.version)" }.joined(separator: ", "))",
                                     hint: "run `creditsync hq db migrate --database URL` first")
            }
            if let newest = status.applied.last?.version, newest > PostgresSchema.latestVersion {
                throw HQStorageError(.schema, "the database \(storage.location) has schema version \(newest), this build knows up to \(PostgresSchema.latestVersion)",
                                     hint: "run the CreditSync release that migrated it")
            }
        } catch let error as HQStorageError {
            try? await storage.close()
            throw error
        } catch {
            try? await storage.close()
            throw HQStorageError(.unavailable, "cannot reach PostgreSQL at \(storage.location): \(String(reflecting: error).prefix(300))",
                                 hint: "check database_url, that the server runs, and its pg_hba.conf")
        }
        return storage
    }

    /// Applied and pending migrations, and the partitions per table.
    public func schemaStatus() async throws -> SchemaStatus {
        let status = try await PostgresMigrator.status(client, logger: logger)
        var partitions: [String: Int] = [:]
        if status.pending.isEmpty {
            for try await (table, count) in try await client.query("""
                SELECT parent.relname, count(child.relname)::bigint FROM pg_inherits
                JOIN pg_class parent ON pg_inherits.inhparent = parent.oid JOIN pg_class child ON pg_inherits.inhrelid = child.oid
                WHERE parent.relname LIKE 'mirror_%' GROUP BY parent.relname
                """, logger: logger).decode((String, Int64).self) {
                partitions[table] = Int(count)
            }
        }
        return SchemaStatus(applied: status.applied, pending: status.pending, partitions: partitions)
    }

    /// Applies pending migrations; returns their versions.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await PostgresMigrator.migrate(client, logger: logger)
    }

    /// `hq_meta` records the keys every process must sign with.
    public var recordedKeys: (any RecordedKeys)? { PostgresRecordedKeys(client: client, logger: logger) }

    /// Any number of processes serve one database: serialization is the database's.
    public func lockForServing() throws {}

    public func enroll(province code: ProvinceCode, verifierKey: String, suite: Suite, now: Date) async throws -> Enrolment {
        let province = code.rawValue
        let key = try VerifierKey(parsing: verifierKey)
        _ = try suite.verifier(forKey: key.string)
        let registry = PostgresRegistry(client: client, logger: logger)
        let at = PostgresValue.seconds(now)
        try await client.transaction(logger: logger) { connection in
            // Serializes enrolments of one province across processes.
            try await connection.run("SELECT pg_advisory_xact_lock(\(Int32(0x4353_454E)), \(Int32(province) ?? 0))", logger: logger)
            if let existing = try await PostgresRegistry.enrolment(province: province, connection: connection, logger: logger) {
                guard existing.keys.contains(where: { $0.verifierKey == key.string }) else {
                    throw HQStorageError(.enrolment, "province \(province) is enrolled with another key (\(existing.verifierKey))",
                                         hint: "a log key changes only by rotation: `creditsync hq enroll --rotate` with the checkpoint signed by both keys")
                }
                return
            }
            for try await other in try await connection.query("SELECT province FROM enrolment WHERE origin = \(key.name)", logger: logger).decode(String.self) {
                throw HQStorageError(.enrolment, "origin \(key.name) is already enrolled for province \(other)", hint: "each province's log has its own origin")
            }
            try await connection.run("INSERT INTO enrolment (province, origin, suite, enrolled_at) VALUES (\(province), \(key.name), \(suite.id.rawValue), \(at))", logger: logger)
            try await connection.run("""
                INSERT INTO enrolment_key (province, verifier_key, from_size, added_at, rotation_note) VALUES (\(province), \(key.string), 0, \(at), NULL)
                """, logger: logger)
            try await connection.run("INSERT INTO mirror (province) VALUES (\(province))", logger: logger)
            for statement in PostgresSchema.partitionStatements(province: province) {
                try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQStorageError(.enrolment, "the enrolment of \(province) was not stored", hint: "retry")
        }
        return enrolment
    }

    public func mirror(province: String) async throws -> any MirrorStore {
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQStorageError(.notEnrolled, "province \(province) is not enrolled at HQ",
                                 hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        return PostgresMirror(province: province, origin: enrolment.origin, suite: Suites.named(enrolment.suite), client: client, logger: logger)
    }

    public func feed(province: String, signer: any NoteSigner) async throws -> any FeedStore {
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQStorageError(.notEnrolled, "province \(province) is not enrolled at HQ",
                                 hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        return try await openLog(key: province, origin: FeedOrigin.of(province: province), suite: Suites.named(enrolment.suite), signer: signer)
    }

    /// A session advisory lock on one connection of the pool, held while `body` runs; every HQ
    /// process on the database waits for it. The server drops it with the connection if the
    /// process dies.
    public func withPushDownLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.pushDownLockKey))", logger: logger).collect()
            do {
                let result = try await body()
                // The run's work is stored; a failed unlock is the connection's end, which
                // releases the lock too.
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.pushDownLockKey))", logger: logger).collect()
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.pushDownLockKey))", logger: logger).collect()
                throw error
            }
        }
    }

    /// "CSPD": CreditSync push-down.
    static let pushDownLockKey: Int64 = 0x4353_5044

    public func existingFeed(province: String) async throws -> (any FeedStore)? {
        guard let enrolment = try await registry.enrolment(province: province) else {
            throw HQStorageError(.notEnrolled, "province \(province) is not enrolled at HQ",
                                 hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        for try await _ in try await client.query("SELECT province FROM feed WHERE province = \(province)", logger: logger).decode(String.self) {
            return PostgresFeed(province: province, origin: FeedOrigin.of(province: province), suite: Suites.named(enrolment.suite), client: client, logger: logger)
        }
        return nil
    }

    public func intake(signer: any NoteSigner) async throws -> any FeedStore {
        try await openLog(key: IntakeOrigin.division, origin: IntakeOrigin.origin, suite: Suites.named(.sha256Ed25519), signer: signer)
    }

    /// One of HQ's own logs (a feed, or the intake log): rows of the `feed_*` tables under `key`,
    /// created on first use with the empty tree's checkpoint.
    private func openLog(key: String, origin: String, suite: Suite, signer: any NoteSigner) async throws -> PostgresFeed {
        guard signer.name == origin else {
            throw HQStorageError(.enrolment, "HQ's log \(origin) must be signed by a key named \(origin); this key is named \(signer.name)",
                                 hint: "use HQ's feed key")
        }
        let verifierKey = signer.verifierKey
        // Opened once per process and key: every sync's state request asks for the feed, and
        // the check below is a write transaction.
        if let open = openFeeds.withLock({ $0[key] }), open.key == verifierKey { return open.feed }
        do {
            _ = try suite.verifier(forKey: verifierKey)
        } catch {
            throw HQStorageError(.enrolment, "HQ's key \(verifierKey) for \(origin) is not a key of suite \(suite.id.rawValue): \(error.message)",
                                 hint: "a feed is signed in its province's suite")
        }
        let feed = PostgresFeed(province: key, origin: origin, suite: suite, client: client, logger: logger)
        let now = Date()
        try await client.transaction(logger: logger) { connection in
            // Concurrent first uses (in any process) wait on the row's insert; one creates it.
            var created = false
            for try await _ in try await connection.query("""
                INSERT INTO feed (province, origin, verifier_key, next_entry) VALUES (\(key), \(origin), \(verifierKey), 0)
                ON CONFLICT (province) DO NOTHING RETURNING province
                """, logger: logger).decode(String.self) {
                created = true
            }
            if created {
                let empty = try VerifiedCheckpoint.sign(Checkpoint(origin: origin, size: 0, root: suite.treeHasher.emptyRoot, suite: suite.id), with: signer)
                _ = try await feed.insertCheckpoint(empty, connection, now: now)
                return
            }
            let stored = try await feed.feedRow(connection).verifierKey
            guard stored == verifierKey else {
                throw HQStorageError(.enrolment, "HQ's log \(origin) is signed by \(stored), not by \(verifierKey)", hint: PostgresFeed.keyChangedHint)
            }
        }
        openFeeds.withLock { $0[key] = (feed, verifierKey) }
        return feed
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    deinit {
        // The pool's connections end with its run task.
        runner.cancel()
    }
}
