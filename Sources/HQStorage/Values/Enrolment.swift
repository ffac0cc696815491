public import Foundation
public import LedgerCore

/// A province enrolled at HQ: its log's origin and suite, and every log key it has had.
public struct Enrolment: Sendable, Equatable {
    public struct Key: Sendable, Equatable {
        public var verifierKey: String
        /// The first tree size this key signs.
        public var fromSize: UInt64
        public var addedAt: Date
        /// The checkpoint signed by the previous key and this one (nil for the first key).
        public var rotationNote: String?

        public init(verifierKey: String, fromSize: UInt64, addedAt: Date, rotationNote: String?) {
            self.verifierKey = verifierKey
            self.fromSize = fromSize
            self.addedAt = addedAt
            self.rotationNote = rotationNote
        }
    }

    public var province: String
    public var origin: String
    public var suite: SuiteID
    public var enrolledAt: Date
    /// Oldest first; the last is the current key.
    public var keys: [Key]

    public init(province: String, origin: String, suite: SuiteID, enrolledAt: Date, keys: [Key]) {
        self.province = province
        self.origin = origin
        self.suite = suite
        self.enrolledAt = enrolledAt
        self.keys = keys
    }

    /// The key that signs new checkpoints.
    public var verifierKey: String { keys.last?.verifierKey ?? "" }

    public func keyHistory(suite: Suite) throws(LedgerCoreError) -> LogKeyHistory {
        try LogKeyHistory(keys.map { ($0.verifierKey, $0.fromSize) }, suite: suite)
    }
}
