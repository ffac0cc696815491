/// A stored log that does not hold together: what `verify` (fsck) found, and the first log index
/// it concerns (or the start of the range it lies in). Backends report it as their own
/// corruption error; nothing here was changed.
public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var index: UInt64?

    public init(_ message: String, index: UInt64?) {
        self.message = message
        self.index = index
    }

    public var description: String { message }
}
