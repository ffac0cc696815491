public import Foundation

/// A 32-byte hash value: a leaf, node or root hash of a log, or a record's content hash.
///
/// Both suites (SHA-256, SM3) produce 32 bytes, so the value is stored inline without allocation.
public struct Hash: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32

    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Creates a hash from exactly 32 bytes at `raw`.
    public init(copying raw: UnsafeRawBufferPointer) {
        precondition(raw.count == Hash.byteCount, "a hash is 32 bytes, got \(raw.count)")
        Swift.withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
    }

    /// Creates a hash from exactly 32 bytes.
    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { Hash(copying: $0) }
    }

    /// Creates a hash from exactly 32 bytes.
    public init(_ bytes: ArraySlice<UInt8>) {
        self = bytes.withUnsafeBytes { Hash(copying: $0) }
    }

    /// Creates a hash from exactly 32 bytes.
    public init(_ data: Data) {
        self = data.withUnsafeBytes { Hash(copying: $0) }
    }

    /// Creates a hash by letting `body` fill the 32 bytes.
    public init(filling body: (UnsafeMutableRawBufferPointer) -> Void) {
        Swift.withUnsafeMutableBytes(of: &storage) { body($0) }
    }

    public init?(validating bytes: [UInt8]) {
        guard bytes.count == Hash.byteCount else { return nil }
        self.init(bytes)
    }

    /// Parses standard padded base64, as checkpoints and proofs carry hashes; strictly (one
    /// spelling per hash: no URL alphabet, missing padding, whitespace or stray trailing bits).
    public init?(base64: some StringProtocol) {
        guard let bytes = Base64.decode(base64), bytes.count == Hash.byteCount else { return nil }
        self.init(bytes)
    }

    public init?(hex: some StringProtocol) {
        guard let bytes = [UInt8](hex: hex), bytes.count == Hash.byteCount else { return nil }
        self.init(bytes)
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
    public var base64: String { Data(bytes).base64EncodedString() }
    public var hex: String { bytes.hex }
    public var description: String { hex }

    public static func == (lhs: Hash, rhs: Hash) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2 && lhs.storage.3 == rhs.storage.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex (either case); nil on odd length or a non-hex character.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var i = 0
        while i < utf8.count {
            guard let high = value(utf8[i]), let low = value(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        self = bytes
    }
}
