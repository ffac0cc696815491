import CLibCrypto
import LedgerCore

/// An SM2 key held by OpenSSL (`EVP_PKEY`), private or public only.
///
/// `@unchecked Sendable`: the key is never mutated after creation, and OpenSSL 3 allows one
/// `EVP_PKEY` to be used from several threads at once for signing and verifying, each with its
/// own contexts (which is what `SM2Signature` does).
final class SM2Key: @unchecked Sendable {
    let pkey: OpaquePointer

    private init(_ pkey: OpaquePointer) {
        self.pkey = pkey
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// A new private key on the SM2 curve.
    static func generate() throws(NationalCryptoError) -> SM2Key {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "SM2", nil) else { throw .openSSL("EVP_PKEY_CTX_new_from_name(SM2)") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw .openSSL("EVP_PKEY_keygen_init") }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else { throw .openSSL("EVP_PKEY_generate(SM2)") }
        return SM2Key(pkey)
    }

    /// Reads a PKCS#8 PEM private key.
    static func privateKey(pem: String) throws(NationalCryptoError) -> SM2Key {
        let key = try withBIO(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        guard let key else {
            throw NationalCryptoError(.malformedKey, "the file is not a PKCS#8 PEM private key: \(NationalCryptoError.openSSL("PEM_read_bio_PrivateKey").message)",
                                      hint: "SM2 private keys are PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)")
        }
        let sm2 = SM2Key(key)
        try sm2.requireSM2()
        return sm2
    }

    /// Reads a SubjectPublicKeyInfo PEM public key.
    static func publicKey(pem: String) throws(NationalCryptoError) -> SM2Key {
        let key = try withBIO(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
        guard let key else {
            throw NationalCryptoError(.malformedKey, "not a SubjectPublicKeyInfo PEM public key: \(NationalCryptoError.openSSL("PEM_read_bio_PUBKEY").message)",
                                      hint: "SM2 public keys are SPKI PEM (-----BEGIN PUBLIC KEY-----)")
        }
        let sm2 = SM2Key(key)
        try sm2.requireSM2()
        return sm2
    }

    /// DER prefix of a SubjectPublicKeyInfo for an uncompressed SM2 point: algorithm
    /// id-ecPublicKey with curve 1.2.156.10197.1.301, then a 66-byte BIT STRING.
    static let spkiPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A,
        0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D, 0x03, 0x42, 0x00,
    ]

    /// A public key from its uncompressed point `04 || x || y` (65 bytes).
    static func publicKey(point: [UInt8]) throws(NationalCryptoError) -> SM2Key {
        guard point.count == 65, point[0] == 0x04 else {
            throw NationalCryptoError(.malformedKey, "an SM2 public key is a 65-byte uncompressed point starting with 04",
                                      hint: "check the verifier key string; see Protocol/formats.md")
        }
        let der = spkiPrefix + point
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else {
            throw NationalCryptoError(.malformedKey, "the point is not on the SM2 curve: \(NationalCryptoError.openSSL("d2i_PUBKEY").message)",
                                      hint: "check the verifier key string; see Protocol/formats.md")
        }
        return SM2Key(key)
    }

    func requireSM2() throws(NationalCryptoError) {
        guard EVP_PKEY_is_a(pkey, "SM2") == 1 else {
            throw NationalCryptoError(.malformedKey, "the key is not an SM2 key", hint: "create SM2 keys with `creditsync province init --suite sm3-sm2` or `openssl genpkey -algorithm SM2`")
        }
    }

    /// The uncompressed public point `04 || x || y`.
    func publicPoint() throws(NationalCryptoError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65)
        var length = 0
        guard EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, &buffer, buffer.count, &length) == 1,
              length == 65
        else { throw .openSSL("EVP_PKEY_get_octet_string_param(encoded-pub-key)") }
        return buffer
    }

    /// PKCS#8 PEM of the private key.
    func privateKeyPEM() throws(NationalCryptoError) -> String {
        try writeBIO { bio in PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) }
    }

    /// SubjectPublicKeyInfo PEM of the public key.
    func publicKeyPEM() throws(NationalCryptoError) -> String {
        try writeBIO { bio in PEM_write_bio_PUBKEY(bio, pkey) }
    }

    private static func withBIO<R>(_ text: String, _ body: (OpaquePointer) -> R) throws(NationalCryptoError) -> R {
        let bytes = Array(text.utf8)
        let result: R? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
        guard let result else { throw .openSSL("BIO_new_mem_buf") }
        return result
    }

    private func writeBIO(_ body: (OpaquePointer) -> Int32) throws(NationalCryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("BIO_new") }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw .openSSL("PEM_write_bio") }
        var pointer: UnsafeMutablePointer<CChar>? = nil
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard length > 0, let pointer else { throw .openSSL("BIO_get_mem_data") }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
