public import LedgerCore

/// A comparison signed by HQ's inspection key (Protocol/inspection.md §5): `comparison.json`
/// with a `signature` member, a C2SP signed-note signature line over the note text
/// `creditsync/inspection-result/v1\n<hex SHA-256 of the document without signature>\n`. The
/// document names the bundle by its SHA-256, so a result binds the bundle it compared.
public enum SignedResult {
    public static let statement = "creditsync/inspection-result/v1"
    public static let maximumBytes = 64 << 20

    static func noteText(unsigned: [UInt8]) -> String {
        "\(statement)\n\(SHA256Algorithm().hash(unsigned).hex)\n"
    }

    /// The signed document's canonical bytes (no trailing newline).
    public static func sign(_ document: ComparisonDocument, with signer: any NoteSigner) throws -> [UInt8] {
        let unsigned = CanonicalJSON.encode(document.json)
        let signature = try signer.signature(for: noteText(unsigned: unsigned))
        guard case .object(var members) = document.json else { return unsigned }
        members.append(.init("signature", .string(signature.line)))
        return CanonicalJSON.encode(.object(members))
    }

    /// Verifies a signed result with `inspectionKey` (HQ's, from its own key directory or the
    /// trust file), never with a key the file names. Returns the document.
    public static func verify(_ bytes: [UInt8], inspectionKey: String) throws(InspectionError) -> ComparisonDocument {
        var content = bytes[...]
        if content.last == 0x0A { content = content.dropLast() }
        guard content.count <= maximumBytes, let value = try? JSONParser.parse(content), CanonicalJSON.encode(value).elementsEqual(content),
              case .object(let members) = value else {
            throw InspectionError(.result, "the result is not the canonical JSON `inspect compare` writes: it was edited",
                                  hint: "record the comparison.json `inspect compare --key` wrote, unchanged")
        }
        guard let line = members.first(where: { $0.key == "signature" })?.value.stringValue else {
            throw InspectionError(.result, "the result is not signed", hint: "compare again with `creditsync inspect compare --key inspection.key`")
        }
        let unsigned = CanonicalJSON.encode(.object(members.filter { $0.key != "signature" }))
        let verifier: any NoteVerifier
        do {
            verifier = try Suite.sha256Ed25519.verifier(forKey: inspectionKey)
        } catch {
            throw InspectionError(.result, "HQ's inspection key is not an Ed25519 verifier key: \(error.message)", hint: "check HQ's key directory (inspection.key)")
        }
        let signatures: [NoteSignature]
        do {
            signatures = try SignedNote.parseSignatureLines(line)
        } catch {
            throw InspectionError(.result, "the result's signature is not a signature line: \(error.message)", hint: "the file was edited")
        }
        guard signatures.count == 1, let signature = signatures.first, signature.name == verifier.name, signature.keyID == verifier.keyID else {
            throw InspectionError(.result, "the result is not signed by HQ's inspection key \(verifier.name) (key id \(hex(verifier.keyID)))",
                                  hint: "compare with the inspection key HQ holds, or record at the HQ whose key signed it")
        }
        guard verifier.verify(signature.signature, for: Array(noteText(unsigned: unsigned).utf8)) else {
            throw InspectionError(.result, "the result's signature does not verify: the result was edited after `inspect compare` signed it",
                                  hint: "record the comparison.json `inspect compare` wrote, unchanged")
        }
        do {
            return try ComparisonDocument(json: value)
        } catch let error as InspectionError {
            throw error
        } catch {
            throw InspectionError(.result, "the result is malformed: \(error)", hint: "record the comparison.json `inspect compare` wrote")
        }
    }

    static func hex(_ id: UInt32) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
