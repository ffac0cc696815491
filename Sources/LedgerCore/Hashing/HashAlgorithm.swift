/// The hash function of a suite. Nothing outside a suite names a concrete hash function:
/// Merkle trees, content hashes and proofs all go through this protocol.
public protocol HashAlgorithm: Sendable {
    /// Short name, e.g. `sha256` or `sm3`.
    var name: String { get }
    /// H(data).
    func hash(_ data: UnsafeRawBufferPointer) -> Hash
    /// H(prefix || data): RFC 9162 leaf hashing with prefix 0x00.
    func hash(prefix: UInt8, _ data: UnsafeRawBufferPointer) -> Hash
    /// H(prefix || left || right): RFC 9162 interior nodes with prefix 0x01.
    func hash(prefix: UInt8, _ left: Hash, _ right: Hash) -> Hash
}

extension HashAlgorithm {
    public func hash(_ bytes: [UInt8]) -> Hash {
        bytes.withUnsafeBytes { hash($0) }
    }
}
