/// One signature line of a C2SP signed note: `— <name> base64(key ID || signature)`.
public struct NoteSignature: Sendable, Equatable {
    public var name: String
    public var keyID: UInt32
    /// The signature bytes after the 4-byte key ID.
    public var signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The line, with the U+2014 dash and the final newline.
    public var line: String {
        var payload = withUnsafeBytes(of: keyID.bigEndian) { Array($0) }
        payload.append(contentsOf: signature)
        return "\u{2014} \(name) \(Base64.encode(payload))\n"
    }
}
