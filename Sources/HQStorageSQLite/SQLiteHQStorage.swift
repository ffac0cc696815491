public import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import GRDBSQLite
public import HQStorage
import LedgerStore
public import LedgerCore
import Mirroring
import NationalCrypto
import Synchronization

/// HQ's embedded storage: a data directory with `hq.sqlite` (the registry) and one file per
/// province mirror under `mirrors/`. The default, and what the demo uses. One `hq serve` process
/// per directory (it holds `serve.lock`), so the upload leases live in that process's memory.
public final class SQLiteHQStorage: HQStorage {
    public let directory: URL
    let sqliteRegistry: SQLiteRegistry
    let sqliteRegister: SQLiteRegister
    let leases = UploadLeases()
    private let mirrors = Mutex<[String: SQLiteMirror]>([:])
    private let feeds = Mutex<[String: SQLiteFeed]>([:])
    private let pushDownLock: PushDownLock
    /// The descriptor holding `serve.lock`, kept open while this process serves.
    private let serveLock = Mutex<Int32?>(nil)

    public static let registryFile = "hq.sqlite"
    public static let registerFile = "register.sqlite"
    public static let mirrorsDirectory = "mirrors"
    public static let feedsDirectory = "feeds"

    public var location: String { "sqlite:\(directory.path)" }
    public var registry: any RegistryStore { sqliteRegistry }
    public var register: any RegisterStore { sqliteRegister }
    public var audits: any AuditStore { SQLiteAudits(pool: sqliteRegistry.pool) }
    public var heldRisk: any HeldRiskStore { SQLiteHeldRisk(pool: sqliteRegistry.pool) }

    /// SQLite's memory in a serving process (page caches above all), a soft limit: one upload's
    /// mirror keeps its full 4 MiB cache, while with 32 uploads at once SQLite recycles cache
    /// pages instead of holding 32 full caches (128 MiB with 4 MiB each). Set by
    /// `lockForServing`, so audits and other commands keep their caches.
    static let servingMemoryLimit: Int64 = 32 << 20

    /// How much of a mirror or of the register SQLite reads through a memory map instead of
    /// `pread`. A state read in key order visits the entries in no order the file has, one page
    /// per record: with `pread` each visit was a system call and a 4 KiB copy, 1.7 of the 4.7
    /// CPU-seconds of reading a million-record mirror's state (2.5 s mapped, sqlite3 shell).
    /// The mapped pages are the kernel's page cache, which the reads went through anyway; they
    /// count in a process's resident size (as file pages, not its own memory). Address space
    /// only; SQLite caps it at its build's SQLITE_MAX_MMAP_SIZE (2 GiB here, about 2 million
    /// records), and reads beyond the map with `pread` as before.
    static let mappedBytes: Int64 = 16 << 30

    private init(directory: URL) throws {
        self.directory = directory
        pushDownLock = PushDownLock(path: directory.appendingPathComponent("pushdown.lock").path)
        sqliteRegistry = try SQLiteRegistry(path: directory.appendingPathComponent(Self.registryFile).path)
        sqliteRegister = try SQLiteRegister(path: directory.appendingPathComponent(Self.registerFile).path)
    }

    /// Creates the storage in `directory` (created if missing); fails if it already holds HQ data.
    public static func create(at directory: URL) throws -> SQLiteHQStorage {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: directory.appendingPathComponent(registryFile).path) else {
            throw HQStorageError(.schema, "\(directory.path) already holds HQ data", hint: "use another directory")
        }
        try fileManager.createDirectory(at: directory.appendingPathComponent(mirrorsDirectory), withIntermediateDirectories: true)
        return try SQLiteHQStorage(directory: directory)
    }

    public static func open(at directory: URL) throws -> SQLiteHQStorage {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(registryFile).path) else {
            throw HQStorageError(.unavailable, "no HQ data in \(directory.path)", hint: "create it with `creditsync hq init --data \(directory.path)`")
        }
        return try SQLiteHQStorage(directory: directory)
    }

    func mirrorPath(_ province: String) -> String {
        directory.appendingPathComponent(Self.mirrorsDirectory).appendingPathComponent("\(province).sqlite").path
    }

    public func enroll(province code: ProvinceCode, verifierKey: String, suite: Suite, now: Date) async throws -> Enrolment {
        let province = code.rawValue
        let key = try VerifierKey(parsing: verifierKey)
        _ = try suite.verifier(forKey: key.string)
        let enrolment = try await sqliteRegistry.enroll(province: province, verifierKey: key, suite: suite.id, now: now)
        // The registry row first, then the file: a crash between leaves an enrolment whose
        // mirror `mirror(province:)` creates on first use.
        _ = try await mirror(province: province)
        return enrolment
    }

    public func mirror(province: String) async throws -> any MirrorStore {
        if let open = mirrors.withLock({ $0[province] }) { return open }
        guard let enrolment = try await sqliteRegistry.enrolment(province: province) else {
            throw HQStorageError(.notEnrolled, "province \(province) is not enrolled at HQ",
                                 hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        let suite = Suites.named(enrolment.suite)
        let path = mirrorPath(province)
        let mirror = FileManager.default.fileExists(atPath: path)
            ? try SQLiteMirror.open(at: path, province: province, origin: enrolment.origin, suite: suite, leases: leases)
            : try SQLiteMirror.create(at: path, province: province, origin: enrolment.origin, suite: suite, leases: leases)
        return mirrors.withLock { open in
            if let existing = open[province] { return existing }
            open[province] = mirror
            return mirror
        }
    }

    public func feed(province: String, signer: any NoteSigner) async throws -> any FeedStore {
        if let open = feeds.withLock({ $0[province] }) {
            guard open.ledger.metadata.verifierKey == signer.verifierKey else { throw Self.feedKeyChanged(province) }
            return open
        }
        guard let enrolment = try await sqliteRegistry.enrolment(province: province) else {
            throw HQStorageError(.notEnrolled, "province \(province) is not enrolled at HQ",
                                 hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        return try openLog(key: province, origin: FeedOrigin.of(province: province), suite: Suites.named(enrolment.suite), signer: signer)
    }

    public func withPushDownLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let descriptor = try await pushDownLock.acquire()
        do {
            let result = try await body()
            await pushDownLock.release(descriptor: descriptor)
            return result
        } catch {
            await pushDownLock.release(descriptor: descriptor)
            throw error
        }
    }

    public func existingFeed(province: String) async throws -> (any FeedStore)? {
        if let open = feeds.withLock({ $0[province] }) { return open }
        guard let enrolment = try await sqliteRegistry.enrolment(province: province) else {
            throw HQStorageError(.notEnrolled, "province \(province) is not enrolled at HQ",
                                 hint: "enrol it with `creditsync hq enroll --province \(province) --key VERIFIER_KEY`")
        }
        let path = directory.appendingPathComponent(Self.feedsDirectory).appendingPathComponent("\(province).sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let ledger = try LedgerStore.open(at: path, suite: Suites.named(enrolment.suite))
        guard ledger.metadata.role == .feed, ledger.metadata.origin == FeedOrigin.of(province: province) else {
            throw HQStorageError(.corrupt, "\(path) is not HQ's feed to \(province)", hint: "restore feeds/ from backup")
        }
        let feed = SQLiteFeed(ledger: ledger)
        return feeds.withLock { open in
            if let existing = open[province] { return existing }
            open[province] = feed
            return feed
        }
    }

    public func intake(signer: any NoteSigner) async throws -> any FeedStore {
        let key = IntakeOrigin.division
        if let open = feeds.withLock({ $0[key] }) {
            guard open.ledger.metadata.verifierKey == signer.verifierKey else { throw Self.feedKeyChanged(key) }
            return open
        }
        return try openLog(key: key, origin: IntakeOrigin.origin, suite: Suites.named(.sha256Ed25519), signer: signer)
    }

    /// One of HQ's own logs (a feed, or the intake log) in `feeds/<key>.sqlite`: the province
    /// ledger's code, with role `feed`, created on first use.
    private func openLog(key: String, origin: String, suite: Suite, signer: any NoteSigner) throws -> SQLiteFeed {
        guard signer.name == origin else {
            throw HQStorageError(.enrolment, "the log \(origin) is signed by a key named \(origin), not \(signer.name)", hint: "a bug: HQKeys names HQ's log signers")
        }
        let directory = directory.appendingPathComponent(Self.feedsDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(key).sqlite").path
        let ledger: LedgerStore
        do {
            ledger = try LedgerStore.create(at: path, metadata: LedgerMetadata(suite: suite.id, origin: origin, province: key, role: .feed, verifierKey: signer.verifierKey),
                                            suite: suite, signer: signer, now: Date())
        } catch let error as LedgerStoreError where error.codeValue == .alreadyExists {
            ledger = try LedgerStore.open(at: path, suite: suite)
        }
        guard ledger.metadata.role == .feed, ledger.metadata.origin == origin, ledger.metadata.verifierKey == signer.verifierKey else { throw Self.feedKeyChanged(key) }
        let feed = SQLiteFeed(ledger: ledger)
        return feeds.withLock { open in
            if let existing = open[key] { return existing }
            open[key] = feed
            return feed
        }
    }

    static func feedKeyChanged(_ province: String) -> HQStorageError {
        HQStorageError(.enrolment, "the feed of \(province) was created with another HQ feed key",
                       hint: "HQ's feed key changed; restore feed.key from the key backup")
    }

    /// Embedded storage keeps HQ's keys beside it and records none.
    public var recordedKeys: (any RecordedKeys)? { nil }

    /// Takes `serve.lock` for this process's life (an advisory `flock`, released by the kernel
    /// when the process ends, however it ends). Refuses if another process serves this directory.
    public func lockForServing() throws {
        let path = directory.appendingPathComponent("serve.lock").path
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HQStorageError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))", hint: "check the data directory's permissions")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(descriptor)
            throw HQStorageError(.unavailable, "another `hq serve` is already serving \(directory.path)",
                                 hint: "embedded storage is served by one process; run several HQ processes on PostgreSQL (`database_url`)")
        }
        serveLock.withLock { $0 = descriptor }
        sqlite3_soft_heap_limit64(Self.servingMemoryLimit)
    }

    public func close() async throws {
        for mirror in mirrors.withLock({ Array($0.values) }) { try mirror.close() }
        for feed in feeds.withLock({ Array($0.values) }) { try feed.ledger.close() }
        try sqliteRegistry.close()
        try sqliteRegister.close()
    }
}

/// Upload leases of one process: a province is leased while one upload runs.
final class UploadLeases: Sendable {
    private let held = Mutex<Set<String>>([])

    func acquire(_ province: String) -> Bool { held.withLock { $0.insert(province).inserted } }
    func release(_ province: String) { _ = held.withLock { $0.remove(province) } }
}
