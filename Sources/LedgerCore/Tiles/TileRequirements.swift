/// Which tiles a tree computation reads, found without reading any: a proof or root reads nodes
/// chosen by sizes and indexes alone, never by hash values, so running it once against
/// placeholder hashes lists exactly the tiles it needs. A backend whose reads are remote fetches
/// those in one round trip, then runs the computation for real over them.
public enum TileRequirements {
    public static func tiles(needed computation: (any MerkleNodeReader) throws -> Void) -> Set<TileKey> {
        let recorder = Recorder()
        try? computation(recorder)
        return recorder.keys
    }

    private final class Recorder: MerkleNodeReader {
        var keys: Set<TileKey> = []

        func node(level: Int, index: UInt64) throws -> Hash {
            keys.insert(TileLayout.locate(level: level, index: index).key)
            return Hash([UInt8](repeating: 0, count: Hash.byteCount))
        }
    }
}
