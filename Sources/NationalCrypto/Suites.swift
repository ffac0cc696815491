public import LedgerCore

extension Suite {
    /// The national suite: SM3 trees and SM2-with-SM3 note signatures, from the system OpenSSL 3.
    public static let sm3SM2 = Suite(id: .sm3SM2, hash: SM3Algorithm(), signatures: SM2Scheme())
}

/// Every suite this build knows. Lives here because this is the lowest module that sees both.
public enum Suites {
    public static func named(_ id: SuiteID) -> Suite {
        switch id {
        case .sha256Ed25519: .sha256Ed25519
        case .sm3SM2: .sm3SM2
        }
    }

    /// The suite a log signing key belongs to and a verifier for it, from its verifier key string.
    public static func logVerifier(for key: VerifierKey) throws -> (suite: Suite, verifier: any NoteVerifier) {
        for id in SuiteID.allCases {
            let suite = named(id)
            let type = suite.signatures.keyType
            if key.typeAndKey.starts(with: type) {
                let verifier = try suite.signatures.verifier(name: key.name, publicKey: Array(key.typeAndKey.dropFirst(type.count)))
                return (suite, verifier)
            }
        }
        throw LedgerCoreError(.malformedKey, "verifier key \(key.name) has an unknown signature type 0x\(String(key.typeAndKey.first ?? 0, radix: 16))",
                              hint: "log keys are Ed25519 (type 0x01) or SM2 (type 0xff + creditsync.samr/sm2-sm3)")
    }
}
