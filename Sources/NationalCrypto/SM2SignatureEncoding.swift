/// The one encoding of an SM2 signature this project accepts: strict DER of
/// `SEQUENCE { r INTEGER, s INTEGER }` (GB/T 32918.2, GM/T 0009), r and s positive and minimal,
/// short-form lengths, nothing after it. With 32-byte r and s that is at most 72 bytes; about
/// 1 in 256 signatures is 69 bytes or shorter (a leading zero byte of r or s drops out), so no
/// lower bound beyond the smallest valid encoding. One signature, one spelling.
enum SM2SignatureEncoding {
    static let maximumLength = 72

    static func isStrictDER(_ signature: [UInt8]) -> Bool {
        guard signature.count >= 8, signature.count <= maximumLength,
              signature[0] == 0x30, Int(signature[1]) == signature.count - 2 else { return false }
        var position = 2
        for _ in 0..<2 {
            guard position + 2 <= signature.count, signature[position] == 0x02 else { return false }
            let length = Int(signature[position + 1])
            let start = position + 2
            guard length >= 1, length <= 33, start + length <= signature.count else { return false }
            let first = signature[start]
            // Positive: no sign bit. Minimal: a leading zero only when the next byte needs it.
            guard first & 0x80 == 0 else { return false }
            if first == 0 {
                guard length > 1, signature[start + 1] & 0x80 != 0 else { return false }
            }
            // Non-zero.
            guard signature[start..<start + length].contains(where: { $0 != 0 }) else { return false }
            position = start + length
        }
        return position == signature.count
    }
}
