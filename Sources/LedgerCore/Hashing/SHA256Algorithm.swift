import Crypto

/// SHA-256 from swift-crypto: the hash of the default `sha256-ed25519` suite.
public struct SHA256Algorithm: HashAlgorithm {
    public init() {}

    public var name: String { "sha256" }

    public func hash(_ data: UnsafeRawBufferPointer) -> Hash {
        let digest = SHA256.hash(data: data)
        return Hash(filling: { out in digest.withUnsafeBytes { out.copyMemory(from: $0) } })
    }

    public func hash(prefix: UInt8, _ data: UnsafeRawBufferPointer) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: prefix) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: data)
        let digest = hasher.finalize()
        return Hash(filling: { out in digest.withUnsafeBytes { out.copyMemory(from: $0) } })
    }

    public func hash(prefix: UInt8, _ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: prefix) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        let digest = hasher.finalize()
        return Hash(filling: { out in digest.withUnsafeBytes { out.copyMemory(from: $0) } })
    }
}
