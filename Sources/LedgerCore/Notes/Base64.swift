import Foundation

/// Standard padded base64 (RFC 4648 §4), strict: what C2SP notes, keys and proofs use.
public enum Base64 {
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard padded base64; nil for anything else (URL alphabet, missing padding, spaces).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.count % 4 == 0,
              text.utf8.allSatisfy({ isAlphabet($0) || $0 == UInt8(ascii: "=") }),
              let data = Data(base64Encoded: String(text))
        else { return nil }
        let bytes = [UInt8](data)
        // Reject non-canonical encodings so one signature has one spelling.
        guard encode(bytes) == text else { return nil }
        return bytes
    }

    static func isAlphabet(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2B || c == 0x2F
    }
}
