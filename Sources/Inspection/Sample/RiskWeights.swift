public import LedgerCore
/// Positive integer weights per risk class (A low … D high credit risk): an entity's chance to be
/// sampled follows its class's weight (2022 notice: inspection rates follow the class).
public struct RiskWeights: Sendable, Equatable {
    public static let classes = ["A", "B", "C", "D"]
    /// The class of an entity with no (valid) `risk_class` record.
    public static let defaultClass = "B"
    public static let standard = RiskWeights(values: ["A": 1, "B": 2, "C": 4, "D": 8])
    /// Keeps a population's total weight exact in a JSON number (below 2^53 for 10^9 entities).
    public static let maximumWeight: UInt64 = 1_000_000

    /// One weight per class in `classes`.
    public private(set) var values: [String: UInt64]

    init(values: [String: UInt64]) {
        self.values = values
    }

    public func weight(of riskClass: String) -> UInt64 { values[riskClass] ?? values[Self.defaultClass]! }

    /// `A=1,B=2,C=4,D=8`; classes left out keep their standard weight.
    public init(parsing text: String) throws(InspectionError) {
        var values = Self.standard.values
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2, Self.classes.contains(String(pair[0])) else {
                throw InspectionError(.usage, "weights \"\(text)\": \"\(part)\" is not CLASS=WEIGHT with CLASS one of A, B, C, D",
                                      hint: "write e.g. --weights A=1,B=2,C=4,D=8")
            }
            guard pair[1].allSatisfy(\.isASCII), let weight = UInt64(pair[1]), weight > 0, weight <= Self.maximumWeight else {
                throw InspectionError(.usage, "weights \"\(text)\": the weight of \(pair[0]) is not an integer from 1 to \(Self.maximumWeight)",
                                      hint: "weights are positive integers; only their ratios matter")
            }
            values[String(pair[0])] = weight
        }
        self.values = values
    }

    /// `A=1,B=2,C=4,D=8`, the form `init(parsing:)` reads.
    public var text: String { Self.classes.map { "\($0)=\(values[$0]!)" }.joined(separator: ",") }
}
