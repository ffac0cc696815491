import CLibCrypto
public import LedgerCore

/// The error type of `NationalCrypto`: an OpenSSL call failed, or a key or signature is unusable.
/// Carries OpenSSL's own reason string so operators can search for it.
public typealias NationalCryptoError = CodedError<NationalCryptoErrorCode>

public enum NationalCryptoErrorCode: String, ErrorCode {
    case openSSL = "openssl.failure"
    case malformedKey = "sm2.malformed-key"
    case malformedSignature = "sm2.malformed-signature"
}

extension NationalCryptoError {
    /// An error for the failed OpenSSL call `operation`, with the reasons OpenSSL queued.
    /// Drains OpenSSL's thread-local error queue so later calls start clean.
    static func openSSL(_ operation: String) -> NationalCryptoError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let reason = reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")
        return NationalCryptoError(.openSSL, "OpenSSL \(operation) failed: \(reason)",
                                   hint: "check that the system OpenSSL is version 3 with SM2/SM3 (openssl version; openssl list -digest-algorithms | grep -i sm3)")
    }
}
