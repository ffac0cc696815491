public import Foundation

/// Where HQ keeps its data: embedded SQLite files in a directory (one serving process), or a
/// PostgreSQL database shared by several HQ processes. `HQStorageDrivers` turns a location into
/// the backend that serves it; nothing else names a backend.
public enum StorageLocation: Sendable, Equatable {
    case directory(URL)
    case database(String)

    /// Where HQ's keys are when no key directory is given: beside embedded storage; a database
    /// has none (its processes each need the same key directory, given explicitly).
    public var defaultKeyDirectory: URL? {
        switch self {
        case .directory(let directory): directory
        case .database: nil
        }
    }
}
