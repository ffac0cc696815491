/// Amount checks: decimal places, and the yuan-for-万元 slip.
public struct AmountRules: Sendable {
    /// An amount field whose value says it was entered in yuan: above `max` (万元), or equal to
    /// a yuan amount written in the text at `text` (`罚款5000元` with `5000`).
    public struct YuanForWan: Sendable {
        public let field: String
        public let max: Double
        public let text: String?
    }

    public let maxPlaces: Int
    public let yuanForWan: [YuanForWan]
}
