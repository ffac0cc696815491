import Crypto
public import Foundation
import LedgerCore
import SecretFiles
import SwiftASN1
public import X509

/// A private CA for CreditSync's mutual TLS, built on swift-certificates: P-256 keys, a
/// self-signed root, province client certificates carrying `creditsync:province:<code>`, and HQ
/// server certificates for a host name or IP address.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    let key: Certificate.PrivateKey

    public static let certificateFile = "ca.pem"
    public static let keyFile = "ca-key.pem"

    /// Creates a new CA in `directory` (`ca.pem`, `ca-key.pem` with mode 0600).
    public static func create(in directory: URL, name: String = "CreditSync Root CA", now: Date = Date(), validityDays: Int = 3650) throws -> CertificateAuthority {
        let certificatePath = directory.appendingPathComponent(certificateFile).path
        let keyPath = directory.appendingPathComponent(keyFile).path
        guard !FileManager.default.fileExists(atPath: certificatePath), !FileManager.default.fileExists(atPath: keyPath) else {
            throw PKIError(.exists, "\(directory.path) already holds a CA", hint: "use another directory; never overwrite a CA key")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName {
            OrganizationName("CreditSync")
            CommonName(name)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key
        )
        try PEMFiles.writeSecret(try key.serializeAsPEM().pemString, to: keyPath)
        try PEMFiles.write(try certificate.serializeAsPEM().pemString, to: certificatePath)
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// Loads the CA in `directory`.
    public static func load(from directory: URL) throws -> CertificateAuthority {
        let certificate = try Certificate(pemEncoded: try PEMFiles.read(directory.appendingPathComponent(certificateFile)))
        let key = try Certificate.PrivateKey(pemEncoded: try PEMFiles.read(directory.appendingPathComponent(keyFile)))
        guard key.publicKey == certificate.publicKey else {
            throw PKIError(.invalid, "\(keyFile) does not belong to \(certificateFile) in \(directory.path)", hint: "restore the CA's own key")
        }
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// What an issued certificate is for.
    public enum Subject: Sendable {
        /// A province node's client certificate.
        case province(String)
        /// HQ's server certificate for a DNS name or IP address (more names may follow).
        case hq([String])
        /// A client certificate with exactly these SAN URIs: for identities other than a
        /// province, and for checking that HQ refuses certificates naming no province or several.
        case client(commonName: String, uris: [String])
    }

    /// Issues a certificate and writes `cert.pem` (leaf), `key.pem` (0600) and `ca.pem` to `directory`.
    @discardableResult
    public func issue(_ subject: Subject, to directory: URL, now: Date = Date(), validityDays: Int = 825) throws -> Certificate {
        let certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        guard !FileManager.default.fileExists(atPath: certificatePath), !FileManager.default.fileExists(atPath: keyPath) else {
            throw PKIError(.exists, "\(directory.path) already holds a certificate", hint: "use another directory")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let leafKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name: DistinguishedName
        let extensions: Certificate.Extensions
        switch subject {
        case .province(let code):
            return try issue(.client(commonName: "province \(code)", uris: [ProvinceIdentity.uri(for: code)]), to: directory, now: now, validityDays: validityDays)
        case .client(let commonName, let uris):
            name = try DistinguishedName {
                OrganizationName("CreditSync")
                CommonName(commonName)
            }
            extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                if !uris.isEmpty { SubjectAlternativeNames(uris.map { .uniformResourceIdentifier($0) }) }
                SubjectKeyIdentifier(hash: leafKey.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            }
        case .hq(let hosts):
            guard let first = hosts.first else { throw PKIError(.invalid, "HQ needs a host name", hint: "pass --hq HOSTNAME") }
            name = try DistinguishedName {
                OrganizationName("CreditSync")
                CommonName(first)
            }
            let alternativeNames = hosts.map { host -> GeneralName in
                if let address = IPAddressBytes.parse(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address))) }
                return .dnsName(host)
            }
            extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                SubjectKeyIdentifier(hash: leafKey.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            }
        }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: leafKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: certificate.subject,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: key
        )
        try PEMFiles.writeSecret(try leafKey.serializeAsPEM().pemString, to: keyPath)
        try PEMFiles.write(try leaf.serializeAsPEM().pemString, to: certificatePath)
        try PEMFiles.write(try certificate.serializeAsPEM().pemString, to: directory.appendingPathComponent("ca.pem").path)
        return leaf
    }
}

/// IPv4 and IPv6 literals as the 4 or 16 bytes a SAN iPAddress holds.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

enum PEMFiles {
    static func read(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PKIError(.unreadable, "cannot read \(url.path)", hint: "check the path and permissions")
        }
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func writeSecret(_ text: String, to path: String) throws {
        try SecretFile.write(text, to: path)
    }
}
