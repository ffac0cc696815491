/// A C2SP `tlog-checkpoint` body: origin, tree size, base64 root hash, then extension lines.
///
/// The default suite's checkpoints carry no extension lines, so they are byte-for-byte what
/// Go's `sumdb/note` and `sumdb/tlog` expect; the national suite adds `suite sm3-sm2`.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: Hash
    public var extensions: [String]

    public init(origin: String, size: UInt64, root: Hash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// A checkpoint for a log of `suite`: the national suite names itself in an extension line.
    public init(origin: String, size: UInt64, root: Hash, suite: SuiteID) {
        self.init(origin: origin, size: size, root: root, extensions: suite == .sha256Ed25519 ? [] : ["suite \(suite.rawValue)"])
    }

    /// The note text that gets signed.
    public var body: String {
        var text = "\(origin)\n\(size)\n\(root.base64)\n"
        for line in extensions { text += line + "\n" }
        return text
    }

    /// The suite this checkpoint declares: its `suite` extension line, or the default.
    public var suite: SuiteID? {
        guard let line = extensions.first(where: { $0.hasPrefix("suite ") }) else { return .sha256Ed25519 }
        return SuiteID(rawValue: String(line.dropFirst("suite ".count)))
    }

    public static func parse(body: String) throws(LedgerCoreError) -> Checkpoint {
        guard body.hasSuffix("\n") else {
            throw LedgerCoreError(.malformedCheckpoint, "checkpoint body must end with a newline")
        }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3 else {
            throw LedgerCoreError(.malformedCheckpoint, "a checkpoint has at least three lines: origin, size, root")
        }
        guard !lines[0].isEmpty else { throw LedgerCoreError(.malformedCheckpoint, "checkpoint origin is empty") }
        let sizeText = lines[1]
        guard let size = LogLimits.parseSize(sizeText) else {
            throw LedgerCoreError(.malformedCheckpoint,
                                  "checkpoint size \"\(sizeText.prefix(40))\" is not a decimal without leading zeros of at most \(LogLimits.maximumSize)")
        }
        guard let rootBytes = Base64.decode(lines[2]), let root = Hash(validating: rootBytes) else {
            throw LedgerCoreError(.malformedCheckpoint, "checkpoint root is not base64 of 32 bytes")
        }
        let extensions = lines.dropFirst(3).map(String.init)
        guard extensions.allSatisfy({ !$0.isEmpty }) else {
            throw LedgerCoreError(.malformedCheckpoint, "checkpoint extension lines must not be empty")
        }
        return Checkpoint(origin: String(lines[0]), size: size, root: root, extensions: extensions)
    }
}
