import SwiftASN1
import X509

/// How a client certificate names its province: a SAN URI `creditsync:province:<code>`.
public enum ProvinceIdentity {
    public static let uriPrefix = "creditsync:province:"

    public static func uri(for province: String) -> String { uriPrefix + province }

    /// The province code bound into `certificate`, or nil when it carries none (or several).
    public static func province(of certificate: Certificate) -> String? {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        let provinces = names.compactMap { name -> String? in
            guard case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix(uriPrefix) else { return nil }
            let code = String(uri.dropFirst(uriPrefix.count))
            return code.count == 6 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber) ? code : nil
        }
        return provinces.count == 1 ? provinces[0] : nil
    }

    public static func province(ofDER der: [UInt8]) -> String? {
        (try? Certificate(derEncoded: der)).flatMap(province(of:))
    }
}
