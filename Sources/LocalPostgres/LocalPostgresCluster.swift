public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster on this machine, for the test suite and the benchmarks:
/// `initdb` into a temporary folder, the server on a free loopback port (and a Unix socket in
/// that folder), stopped with `stop()`. Runs the server as the `postgres` user when started as
/// root (`initdb` refuses root). When the server binaries are missing it fails saying what to
/// install (Debian's `postgresql`; `scripts/test` installs it); it never skips.
public final class LocalPostgresCluster: Sendable {
    public let directory: String
    public let port: Int
    public let binaries: String

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// How the server trades durability for speed.
    public enum Durability: Sendable {
        /// fsync off: for tests, where a crash only loses a throwaway cluster.
        case throwaway
        /// PostgreSQL's defaults (synchronous_commit on, fsync on): for benchmarks.
        case durable
    }

    /// The versioned server binary folder of Debian's packages (`/usr/lib/postgresql/<v>/bin`).
    public static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw Failure(description: "the PostgreSQL server programs (initdb, pg_ctl) are not installed: install Debian's `postgresql` package (apt-get install postgresql); scripts/test does")
    }

    /// Creates and starts a cluster; `settings` are extra `-c name=value` server settings.
    public init(durability: Durability = .throwaway, settings: [String: String] = [:]) throws {
        binaries = try Self.findBinaries()
        directory = try Self.makeDirectory()
        try Self.run(binaries + "/initdb", ["-D", directory + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
                     asPostgres: getuid() == 0)
        var options: [String] = []
        if durability == .throwaway {
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        }
        options += settings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }
        port = try Self.start(binaries: binaries, directory: directory, options: options)
    }

    private init(binaries: String, directory: String, port: Int) {
        self.binaries = binaries
        self.directory = directory
        self.port = port
    }

    /// A hot standby of this cluster, as operations run one: a base backup taken with
    /// `pg_basebackup -R` (streaming replication from this server), started read-only on a port
    /// of its own. Every database of this cluster, present and future, replicates to it.
    public func standby() throws -> LocalPostgresCluster {
        let standbyDirectory = try Self.makeDirectory()
        // A fast checkpoint: the default spreads the backup's checkpoint over minutes.
        try Self.run(binaries + "/pg_basebackup", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-D", standbyDirectory + "/data",
                                                   "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"], asPostgres: getuid() == 0)
        let standbyPort = try Self.start(binaries: binaries, directory: standbyDirectory, options: ["-c hot_standby=on"])
        return LocalPostgresCluster(binaries: binaries, directory: standbyDirectory, port: standbyPort)
    }

    /// Waits until this standby has replayed everything `primary` had written when called.
    public func waitForReplay(of primary: LocalPostgresCluster, timeout: Duration = .seconds(30)) throws {
        let lsn = try primary.query("SELECT pg_current_wal_lsn()")
        let deadline = ContinuousClock.now + timeout
        while try query("SELECT pg_last_wal_replay_lsn() >= '\(lsn)'::pg_lsn") != "t" {
            guard ContinuousClock.now < deadline else { throw Failure(description: "the standby did not replay up to \(lsn) in \(timeout)") }
            usleep(20_000)
        }
    }

    /// One value from `sql`, run with psql on the `postgres` database.
    public func query(_ sql: String, database: String = "postgres") throws -> String {
        try Self.run("/usr/bin/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-At", "-c", sql, database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func makeDirectory() throws -> String {
        let directory = "/tmp/creditsync-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try run("/bin/chown", ["postgres:postgres", directory])
        }
        return directory
    }

    /// Starts the server of `directory` on a free loopback port (and a socket in `directory`).
    static func start(binaries: String, directory: String, options: [String]) throws -> Int {
        let options = ["-c listen_addresses=127.0.0.1", "-k \(directory)", "-c max_connections=200"] + options
        var lastError: (any Error)?
        for _ in 0..<5 {
            let candidate = try freePort()
            do {
                try run(binaries + "/pg_ctl", ["-D", directory + "/data", "-w", "-t", "60", "-l", directory + "/server.log",
                                                "-o", (["-p \(candidate)"] + options).joined(separator: " "), "start"], asPostgres: getuid() == 0)
                return candidate
            } catch {
                lastError = error
            }
        }
        throw lastError ?? Failure(description: "PostgreSQL did not start")
    }

    /// A `postgres://` URL for `database` on this cluster.
    public func url(database: String) -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates a new empty database and returns its URL.
    public func createDatabase(_ name: String = "creditsync_\(UUID().uuidString.prefix(8).lowercased())") throws -> String {
        try Self.run(binaries + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name])
        return url(database: name)
    }

    /// Bytes the database `name` takes on disk.
    public func databaseSize(_ name: String) throws -> Int64 {
        Int64(try query("SELECT pg_database_size('\(name)')", database: name)) ?? 0
    }

    /// Stops the server at once and removes its folder.
    public func stop() {
        _ = try? Self.run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], asPostgres: getuid() == 0)
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = false) throws -> String {
        let argv = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        // Output goes to a file, not a pipe: the server pg_ctl starts would inherit a pipe and
        // hold it open. posix_spawn and waitpid rather than Foundation's Process, whose
        // waitUntilExit was seen never to return once pg_ctl's server was running.
        let outputPath = NSTemporaryDirectory() + "creditsync-pg-output-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process's: a pipe another thread has open for a child of its own
        // (a test running the CLI) would otherwise pass through pg_ctl into the server, which
        // then holds that pipe's write end open and the other child's reader never sees EOF.
        // (glibc 2.34's posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module
        // does not export: looked up by name.)
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }
        var pid = pid_t()
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            throw Failure(description: "\((executable as NSString).lastPathComponent) failed (\(exited ? "exit \(code)" : "signal \(status & 0x7F)")): \(text.suffix(2000))")
        }
        return text
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }

    /// A loopback port nothing listens on right now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
