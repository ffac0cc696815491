import LedgerCore
import SwiftASN1
public import X509

/// How a client certificate names its province: exactly one SAN URI `creditsync:province:<code>`.
public enum ProvinceIdentity {
    public static let uriPrefix = "creditsync:province:"

    public static func uri(for province: String) -> String { uriPrefix + province }

    /// Why a certificate does not name one province.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable
        case none
        case several([String])
        case malformed(String)

        public var description: String {
            switch self {
            case .unreadable: "the client certificate cannot be read"
            case .none: "the client certificate names no province (it needs exactly one SAN URI \(uriPrefix)<code>)"
            case .several(let uris): "the client certificate names \(uris.count) provinces (\(uris.joined(separator: ", "))); it must name exactly one"
            case .malformed(let uri): "the client certificate's SAN URI \"\(uri.prefix(80))\" is not \(uriPrefix) followed by a six-digit code"
            }
        }
    }

    /// The province bound into `certificate`: exactly one `creditsync:province:` URI whose code
    /// is six ASCII digits. Any other shape is refused, saying which.
    public static func province(of certificate: Certificate) -> Result<String, Refusal> {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return .failure(.none) }
        let uris = names.compactMap { name -> String? in
            guard case .uniformResourceIdentifier(let uri) = name, uri.lowercased().hasPrefix(uriPrefix) else { return nil }
            return uri
        }
        guard !uris.isEmpty else { return .failure(.none) }
        guard uris.count == 1 else { return .failure(.several(uris)) }
        let uri = uris[0]
        let code = uri.dropFirst(uriPrefix.count)
        guard uri.hasPrefix(uriPrefix), ProvinceCode.isSixDigits(code) else {
            return .failure(.malformed(uri))
        }
        return .success(String(code))
    }

    public static func province(ofDER der: [UInt8]) -> Result<String, Refusal> {
        guard let certificate = try? Certificate(derEncoded: der) else { return .failure(.unreadable) }
        return province(of: certificate)
    }

    /// The certificate's serial number as lower-case hex, as `hq revoke --serial` takes it.
    public static func serial(ofDER der: [UInt8]) -> String? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        return serial(of: certificate)
    }

    public static func serial(of certificate: Certificate) -> String {
        normalizedSerial(certificate.serialNumber.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
    }

    /// A serial as operators copy it (`openssl x509 -serial`: upper case, maybe with colons):
    /// lower-case hex without separators or leading zeros. Nil if it is not hex.
    public static func normalizedSerial(_ text: String) -> String {
        let hex = text.lowercased().filter { $0 != ":" }
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    public static func isSerial(_ text: String) -> Bool {
        let hex = text.lowercased().filter { $0 != ":" }
        return !hex.isEmpty && hex.count <= 64 && hex.allSatisfy { $0.isHexDigit }
    }
}
