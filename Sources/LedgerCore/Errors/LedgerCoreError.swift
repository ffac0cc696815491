/// The error type of `LedgerCore`: malformed JSON, unusable change records, bad notes, keys and proofs.
public typealias LedgerCoreError = CodedError<LedgerCoreErrorCode>

public enum LedgerCoreErrorCode: String, ErrorCode {
    case malformedJSON = "json.malformed"
    case duplicateKey = "json.duplicate-key"
    case invalidUTF8 = "json.invalid-utf8"
    case loneSurrogate = "json.lone-surrogate"
    case nonFiniteNumber = "json.non-finite-number"
    case nestingTooDeep = "json.nesting-too-deep"
    case recordTooLarge = "record.too-large"
    case recordNotObject = "record.not-an-object"
    case missingField = "record.missing-field"
    case invalidField = "record.invalid-field"
    case wrongProvince = "record.wrong-province"
    case notCanonical = "record.not-canonical"
    case malformedNote = "note.malformed"
    case malformedCheckpoint = "checkpoint.malformed"
    case signatureInvalid = "note.signature-invalid"
    case noTrustedSignature = "note.no-trusted-signature"
    case malformedKey = "key.malformed"
    case keyMismatch = "key.mismatch"
    case unknownSuite = "suite.unknown"
    case malformedProof = "proof.malformed"
    case proofInvalid = "proof.invalid"
    case invalidTreeSize = "tree.invalid-size"

    public var defaultHint: String {
        switch self {
        case .malformedJSON, .duplicateKey, .invalidUTF8, .loneSurrogate, .nonFiniteNumber, .nestingTooDeep:
            "fix the producer so it emits one valid JSON object per line (RFC 8259, UTF-8, unique keys)"
        case .recordTooLarge:
            "a change record may be at most 64 KiB; move large attachments out of the record"
        case .recordNotObject, .missingField, .invalidField:
            "every change record needs string fields change_id, province, category, id and op (upsert|revoke); see Protocol/formats.md"
        case .wrongProvince:
            "send each province's records to that province's ledger"
        case .notCanonical:
            "entries must be sent as their RFC 8785 canonical bytes, exactly as the ledger stores them"
        case .malformedNote, .malformedCheckpoint:
            "checkpoints are C2SP signed notes; see Protocol/formats.md"
        case .signatureInvalid, .noTrustedSignature:
            "check that the verifier key is the one enrolled for this log and that the note was not altered"
        case .malformedKey, .keyMismatch:
            "keys are note-format strings (<name>+<hex id>+<base64>); see Protocol/formats.md"
        case .unknownSuite:
            "known suites: sha256-ed25519 (default), sm3-sm2"
        case .malformedProof, .proofInvalid, .invalidTreeSize:
            "proofs follow RFC 9162 §2.1; check the sizes and the hashes against the right checkpoint"
        }
    }
}
