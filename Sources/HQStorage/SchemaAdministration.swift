public import Foundation

/// Storage whose schema is migrated by an operator (`hq db migrate`, `hq db status`), where
/// processes of several releases can meet one database. Embedded storage migrates itself when
/// it opens and does not conform.
public protocol SchemaAdministration: HQStorage {
    /// Applies pending migrations, each in its own transaction; returns their versions.
    @discardableResult
    func migrate() async throws -> [Int]

    /// Applied and pending migrations, and the partitions per table.
    func schemaStatus() async throws -> SchemaStatus
}

public struct SchemaStatus: Sendable {
    public var applied: [(version: Int, name: String, appliedAt: Date)]
    public var pending: [(version: Int, name: String)]
    public var partitions: [String: Int]

    public init(applied: [(version: Int, name: String, appliedAt: Date)], pending: [(version: Int, name: String)], partitions: [String: Int]) {
        self.applied = applied
        self.pending = pending
        self.partitions = partitions
    }
}
