import Foundation
import LocalPostgres

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

    static func stop() {
        if case .success(let cluster) = cluster { cluster.stop() }
    }
}
