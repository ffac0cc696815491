import LedgerCore

/// Where tree nodes live in the `tile` table: tiles of height 8 and width 256, as C2SP
/// tlog-tiles lays them out, so a tile row can later be served as a static tile as-is.
enum TileLayout {
    static let height = 8
    static let width = 1 << height

    /// The tile holding the bottom-row hashes a perfect node at (`level`, `index`) is built from,
    /// the offset of the first of them, and how many (2^(level mod 8)).
    static func locate(level: Int, index: UInt64) -> (tileLevel: Int, tileIndex: UInt64, offset: Int, count: Int) {
        let tileLevel = level / height
        let rise = level % height
        let first = index << UInt64(rise)
        return (tileLevel, first / UInt64(width), Int(first % UInt64(width)), 1 << rise)
    }

    /// The root of a perfect subtree over `hashes` (a power-of-two count).
    static func perfectRoot(_ hashes: ArraySlice<Hash>, hasher: TreeHasher) -> Hash {
        var level = Array(hashes)
        while level.count > 1 {
            var next: [Hash] = []
            next.reserveCapacity(level.count / 2)
            var i = 0
            while i < level.count {
                next.append(hasher.nodeHash(level[i], level[i + 1]))
                i += 2
            }
            level = next
        }
        return level[0]
    }

    static func decode(_ blob: [UInt8]) -> [Hash] {
        blob.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: 32).map { Hash(copying: UnsafeRawBufferPointer(rebasing: raw[$0..<$0 + 32])) }
        }
    }

    /// Hashes `range` of a stored tile blob, without decoding the rest.
    static func hashes(_ blob: [UInt8], _ range: Range<Int>) -> [Hash] {
        blob.withUnsafeBytes { raw in
            range.map { Hash(copying: UnsafeRawBufferPointer(rebasing: raw[($0 * 32)..<($0 * 32 + 32)])) }
        }
    }

    static func encode(_ hashes: [Hash]) -> [UInt8] {
        var blob: [UInt8] = []
        blob.reserveCapacity(hashes.count * 32)
        for hash in hashes { hash.withUnsafeBytes { blob.append(contentsOf: $0) } }
        return blob
    }
}
