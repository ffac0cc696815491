/// A tile's address: tile level (tree level 8·`level`) and index along that level.
public struct TileKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var level: Int
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    public static func < (a: TileKey, b: TileKey) -> Bool {
        (a.level, a.index) < (b.level, b.index)
    }

    public var description: String { "\(level)/\(index)" }
}
