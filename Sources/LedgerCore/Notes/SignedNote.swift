import Foundation

/// A C2SP signed note: text ending in a newline, a blank line, then signature lines.
///
/// Parsing checks the format only; trust comes from `verify`.
public struct SignedNote: Sendable, Equatable {
    /// The note text, including its final newline (what signatures cover).
    public var text: String
    public var signatures: [NoteSignature]

    /// Notes and their signature blocks are small; anything larger is refused unread.
    public static let maximumSize = 64 * 1024
    public static let maximumSignatures = 100

    public init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The whole note as it travels: text, blank line, signature lines.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    public static func parse(_ note: String) throws(LedgerCoreError) -> SignedNote {
        guard note.utf8.count <= maximumSize else {
            throw LedgerCoreError(.malformedNote, "signed note is larger than \(maximumSize) bytes")
        }
        guard note.utf8.allSatisfy({ $0 >= 0x20 || $0 == 0x0A }) else {
            throw LedgerCoreError(.malformedNote, "signed note contains a control character")
        }
        guard note.hasSuffix("\n") else {
            throw LedgerCoreError(.malformedNote, "signed note does not end with a newline")
        }
        // Split at the last blank line: text ends at "\n" + "\n", signatures follow.
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw LedgerCoreError(.malformedNote, "signed note has no blank line before its signatures")
        }
        let text = String(note[note.startIndex...split.lowerBound])
        let block = note[split.upperBound...]
        var signatures: [NoteSignature] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            signatures.append(try parseSignatureLine(line))
            guard signatures.count <= maximumSignatures else {
                throw LedgerCoreError(.malformedNote, "signed note has more than \(maximumSignatures) signatures")
            }
        }
        guard !signatures.isEmpty else {
            throw LedgerCoreError(.malformedNote, "signed note has no signature lines")
        }
        return SignedNote(text: text, signatures: signatures)
    }

    /// Parses a block of signature lines, each ending in a newline (as a witness or HQ returns them).
    public static func parseSignatureLines(_ block: String) throws(LedgerCoreError) -> [NoteSignature] {
        guard block.hasSuffix("\n"), block.utf8.count <= maximumSize else {
            throw LedgerCoreError(.malformedNote, "signature lines must each end with a newline")
        }
        var signatures: [NoteSignature] = []
        for line in block.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            signatures.append(try parseSignatureLine(line))
        }
        return signatures
    }

    static func parseSignatureLine(_ line: Substring) throws(LedgerCoreError) -> NoteSignature {
        let prefix = "\u{2014} "
        guard line.hasPrefix(prefix) else {
            throw LedgerCoreError(.malformedNote, "signature line does not start with '— ': \(line.prefix(40))")
        }
        let rest = line.dropFirst(prefix.count)
        let parts = rest.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, NoteKeyName.isValid(parts[0]) else {
            throw LedgerCoreError(.malformedNote, "signature line must be '— <key name> <base64>'")
        }
        guard let payload = Base64.decode(parts[1]), payload.count > 4 else {
            throw LedgerCoreError(.malformedNote, "signature of \(parts[0]) is not base64 of a key ID and a signature")
        }
        let keyID = payload.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return NoteSignature(name: String(parts[0]), keyID: keyID, signature: Array(payload.dropFirst(4)))
    }

    /// C2SP verification: signatures from unknown keys (name and ID) are ignored; a signature
    /// from a known key must verify; at least one must. Returns the verified signatures.
    @discardableResult
    public func verify(_ verifiers: [any NoteVerifier]) throws(LedgerCoreError) -> [NoteSignature] {
        var verified: [NoteSignature] = []
        let message = Array(text.utf8)
        for signature in signatures {
            guard let verifier = verifiers.first(where: { $0.name == signature.name && $0.keyID == signature.keyID }) else {
                continue
            }
            guard verifier.verify(signature.signature, for: message) else {
                throw LedgerCoreError(.signatureInvalid, "the signature by \(signature.name) does not verify")
            }
            verified.append(signature)
        }
        guard !verified.isEmpty else {
            let names = verifiers.map(\.name).joined(separator: ", ")
            throw LedgerCoreError(.noTrustedSignature, "the note carries no signature by a trusted key (\(names))")
        }
        return verified
    }
}

enum NoteKeyName {
    /// Non-empty, no Unicode spaces, no '+'.
    static func isValid(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }
}
