/// The seven data-quality dimensions of the 2023 notice (市场监管总局 2023-25), in the notice's order.
public enum QualityDimension: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case comprehensiveness
    case timeliness
    case completeness
    case accuracy
    case conformance
    case redundancy
    case relatedness

    /// The notice's name: 全面性, 及时性, 完整性, 准确性, 规范性, 冗余性, 关联性.
    public var chineseName: String {
        switch self {
        case .comprehensiveness: "全面性"
        case .timeliness: "及时性"
        case .completeness: "完整性"
        case .accuracy: "准确性"
        case .conformance: "规范性"
        case .redundancy: "冗余性"
        case .relatedness: "关联性"
        }
    }

    public static func < (lhs: QualityDimension, rhs: QualityDimension) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
