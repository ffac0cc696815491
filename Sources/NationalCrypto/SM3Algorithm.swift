import CLibCrypto
public import LedgerCore

/// SM3 (GB/T 32905-2016) from the system OpenSSL 3: the hash of the `sm3-sm2` suite.
public struct SM3Algorithm: HashAlgorithm {
    public init() {}

    public var name: String { "sm3" }

    public func hash(_ data: UnsafeRawBufferPointer) -> Hash {
        Self.digest(data)
    }

    public func hash(prefix: UInt8, _ data: UnsafeRawBufferPointer) -> Hash {
        withUnsafeTemporaryAllocation(byteCount: data.count + 1, alignment: 1) { buffer in
            buffer[0] = prefix
            if data.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: buffer[1...]).copyMemory(from: data)
            }
            return Self.digest(UnsafeRawBufferPointer(buffer))
        }
    }

    public func hash(prefix: UInt8, _ left: Hash, _ right: Hash) -> Hash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 1) { buffer in
            buffer[0] = prefix
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
            return Self.digest(UnsafeRawBufferPointer(buffer))
        }
    }

    static func digest(_ data: UnsafeRawBufferPointer) -> Hash {
        Hash(filling: { out in
            var length: UInt32 = 0
            let ok = EVP_Digest(data.baseAddress, data.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, OpenSSLObjects.shared.sm3, nil)
            // A fetched SM3 digest over memory cannot fail short of memory exhaustion.
            precondition(ok == 1 && length == 32, "\(NationalCryptoError.openSSL("EVP_Digest(SM3)").message)")
        })
    }
}

/// OpenSSL objects fetched once per process.
///
/// `@unchecked Sendable`: an `EVP_MD` is immutable after `EVP_MD_fetch` and OpenSSL documents
/// fetched algorithm objects as safe to share between threads.
final class OpenSSLObjects: @unchecked Sendable {
    static let shared = OpenSSLObjects()

    let sm3: OpaquePointer

    private init() {
        guard let md = EVP_MD_fetch(nil, "SM3", nil) else {
            fatalError(NationalCryptoError.openSSL("EVP_MD_fetch(SM3)").message)
        }
        sm3 = md
    }
}
