import CLibCrypto
import LedgerCore

/// SM2 signatures with SM3 and the GB/T 32918 default distinguishing identifier, set explicitly
/// on every context: OpenSSL 3 otherwise uses an empty ID and its signatures then verify nowhere
/// else (DESIGN §4). Signatures are DER `SEQUENCE { r INTEGER, s INTEGER }`.
enum SM2Signature {
    static let distinguishingID: [UInt8] = Array("1234567812345678".utf8)

    static func sign(_ message: [UInt8], key: SM2Key) throws(NationalCryptoError) -> [UInt8] {
        try withDigestContext(key: key, signing: true) { (mctx) throws(NationalCryptoError) -> [UInt8] in
            var length = 0
            guard message.withUnsafeBufferPointer({ EVP_DigestSign(mctx, nil, &length, $0.baseAddress, $0.count) }) == 1 else {
                throw .openSSL("EVP_DigestSign(size)")
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard message.withUnsafeBufferPointer({ EVP_DigestSign(mctx, &signature, &length, $0.baseAddress, $0.count) }) == 1 else {
                throw .openSSL("EVP_DigestSign")
            }
            return Array(signature.prefix(length))
        }
    }

    static func verify(_ signature: [UInt8], for message: [UInt8], key: SM2Key) -> Bool {
        guard SM2SignatureEncoding.isStrictDER(signature) else { return false }
        let result = try? withDigestContext(key: key, signing: false) { (mctx) throws(NationalCryptoError) -> Bool in
            let status = signature.withUnsafeBufferPointer { sig in
                message.withUnsafeBufferPointer { msg in
                    EVP_DigestVerify(mctx, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
                }
            }
            return status == 1
        }
        // A failed verification leaves reasons in OpenSSL's queue; they are not errors here.
        ERR_clear_error()
        return result ?? false
    }

    /// Runs `body` with a digest context set up for SM2/SM3 with the distinguishing ID; frees
    /// both contexts on every path.
    private static func withDigestContext<R>(key: SM2Key, signing: Bool, _ body: (OpaquePointer) throws(NationalCryptoError) -> R) throws(NationalCryptoError) -> R {
        guard let mctx = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(mctx) }
        guard let pctx = EVP_PKEY_CTX_new_from_pkey(nil, key.pkey, nil) else { throw .openSSL("EVP_PKEY_CTX_new_from_pkey") }
        // EVP_MD_CTX_set_pkey_ctx leaves ownership of pctx with us; free it after mctx.
        defer { EVP_PKEY_CTX_free(pctx) }
        guard distinguishingID.withUnsafeBytes({ EVP_PKEY_CTX_set1_id(pctx, $0.baseAddress, Int32($0.count)) }) == 1 else {
            throw .openSSL("EVP_PKEY_CTX_set1_id")
        }
        EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
        let status = signing
            ? EVP_DigestSignInit(mctx, nil, OpenSSLObjects.shared.sm3, nil, key.pkey)
            : EVP_DigestVerifyInit(mctx, nil, OpenSSLObjects.shared.sm3, nil, key.pkey)
        guard status == 1 else { throw .openSSL(signing ? "EVP_DigestSignInit(SM3)" : "EVP_DigestVerifyInit(SM3)") }
        return try body(mctx)
    }
}
