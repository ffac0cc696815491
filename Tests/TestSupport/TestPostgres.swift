import Foundation
public import LocalPostgres

/// Where a test keeps HQ's data: both backends run the same tests (issue "HQ at national scale").
public enum StorageBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// One throwaway PostgreSQL cluster for the whole test process, started on first use and
/// stopped when the process exits; each test gets a database of its own. Without the server
/// binaries the tests that need it fail saying what to install.
public enum TestPostgres {
    private static let cluster: Result<LocalPostgresCluster, LocalPostgresCluster.Failure> = {
        do {
            let cluster = try LocalPostgresCluster()
            atexit { TestPostgres.stop() }
            return .success(cluster)
        } catch let failure as LocalPostgresCluster.Failure {
            return .failure(failure)
        } catch {
            return .failure(.init(description: "\(error)"))
        }
    }()

    /// A new empty database's URL. Starting the cluster and creating the database run
    /// programs; that waits on a dispatch thread, off the cooperative pool.
    public static func database() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try cluster.get().createDatabase() })
            }
        }
    }

    public static var shared: LocalPostgresCluster {
        get throws { try cluster.get() }
    }

    /// A hot standby of the shared cluster (started at first use; every database replicates).
    private static let standbyCluster: Result<LocalPostgresCluster, LocalPostgresCluster.Failure> = {
        do {
            let standby = try cluster.get().standby()
            atexit { TestPostgres.stopStandby() }  // runs before the primary's (registered earlier)
            return .success(standby)
        } catch let failure as LocalPostgresCluster.Failure {
            return .failure(failure)
        } catch {
            return .failure(.init(description: "\(error)"))
        }
    }()

    /// The URL of `url`'s database on the standby, once the standby has replayed everything
    /// written so far.
    public static func onStandby(_ url: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let standby = try standbyCluster.get()
                    try standby.waitForReplay(of: try cluster.get())
                    guard let name = URLComponents(string: url)?.path.dropFirst(), !name.isEmpty else {
                        throw LocalPostgresCluster.Failure(description: "no database name in \(url)")
                    }
                    return standby.url(database: String(name))
                })
            }
        }
    }

    static func stop() {
        if case .success(let cluster) = cluster { cluster.stop() }
    }

    static func stopStandby() {
        if case .success(let standby) = standbyCluster { standby.stop() }
    }
}
