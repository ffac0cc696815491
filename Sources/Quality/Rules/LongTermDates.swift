/// How "long-term" (长期) end dates are written: `standard` is right, `nonstandard` sentinels
/// are conformance defects.
public struct LongTermDates: Sendable {
    public let standard: String
    public let nonstandard: Set<String>
}
