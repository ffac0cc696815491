import HQStorage
import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// One province's stored tree hashes in a tile table (`mirror_tile` or `feed_tile`, the same
/// layout): reading the tiles a computation needs in one round trip, and the integration of
/// new leaves from the stored right edge. Shared by mirrors and feeds.
struct PostgresTiles {
    enum Table: String {
        case mirror = "mirror_tile"
        case feed = "feed_tile"
    }

    let table: Table
    let province: String
    let hasher: TreeHasher
    let logger: Logger

    /// The stored tiles with these keys.
    func fetch(_ keys: Set<TileKey>, _ connection: PostgresConnection) async throws -> [TileKey: [UInt8]] {
        guard !keys.isEmpty else { return [:] }
        let levels = keys.map { Int32($0.level) }
        let indexes = try keys.map { try PostgresValue.bigint($0.index) }
        var tiles: [TileKey: [UInt8]] = [:]
        for try await (level, index, hashes) in try await connection.query("""
            SELECT t.level, t.idx, t.hashes FROM \(unescaped: table.rawValue) t JOIN unnest(\(levels)::integer[], \(indexes)::bigint[]) AS k(level, idx)
            ON t.level = k.level AND t.idx = k.idx WHERE t.province = \(province)
            """, logger: logger).decode((Int32, Int64, ByteBuffer).self) {
            tiles[TileKey(level: Int(level), index: try PostgresValue.size(index))] = Array(hashes.readableBytesView)
        }
        return tiles
    }

    /// Runs a tree computation over stored tiles: one round trip for the tiles it needs
    /// (`TileRequirements`), then the computation itself.
    func compute<T>(_ connection: PostgresConnection, _ computation: (any MerkleNodeReader) throws -> T) async throws -> T {
        let needed = TileRequirements.tiles { reader in _ = try computation(reader) }
        let fetched = try await fetch(needed, connection)
        return try computation(TileNodeReader(hasher: hasher) { fetched[$0] })
    }

    /// The shared integration from the stored right edge of the tree of `size`.
    func integration(_ connection: PostgresConnection, size: UInt64) async throws(any Error) -> TreeIntegration {
        let edge = TileLayout.rightEdge(size: size)
        let fetched = try await fetch(Set(edge.map(\.key)), connection)
        return try TreeIntegration(size: size, rightEdge: fetched.mapValues(TileLayout.decode), hasher: hasher)
    }
}
