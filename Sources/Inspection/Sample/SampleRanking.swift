import LedgerCore

/// Sequential Poisson sampling over a checkpoint (Protocol/inspection.md, normative).
///
/// Every entity gets a uniform 64-bit key k from a seed nobody can choose in advance (the signed
/// checkpoint and the inspection id); ranking by k ÷ weight and taking the first N includes each
/// entity with a probability that follows its weight, and anyone with the same checkpoint, id,
/// weights and log recomputes the same list.
///
/// SHA-256 here is part of the sample's definition, like the note key ids, not the ledger
/// suite's hash: an SM3 ledger's sample is drawn the same way.
public enum SampleRanking {
    public static let domain = "creditsync/inspection/v1"

    /// SHA-256(`creditsync/inspection/v1` 0x0A ‖ checkpoint note text ‖ inspection id ‖ 0x0A).
    /// The note text is the signed body (origin, size, root, extension lines), without signature
    /// lines: a cosignature added later does not change the sample.
    public static func seed(noteText: String, inspectionID: String) -> [UInt8] {
        var input = Array(domain.utf8)
        input.append(0x0A)
        input.append(contentsOf: noteText.utf8)
        input.append(contentsOf: inspectionID.utf8)
        input.append(0x0A)
        return SHA256Algorithm().hash(input).bytes
    }

    /// The first 8 bytes of SHA-256(seed ‖ USCC), big-endian.
    public static func key(seed: [UInt8], uscc: String) -> UInt64 {
        SHA256Algorithm().hash(seed + Array(uscc.utf8)).bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A member of the population with its key and weight.
    public struct Ranked: Sendable, Equatable {
        public var uscc: String
        public var key: UInt64
        public var weight: UInt64

        public init(uscc: String, key: UInt64, weight: UInt64) {
            self.uscc = uscc
            self.key = key
            self.weight = weight
        }
    }

    /// k_a ÷ w_a < k_b ÷ w_b, compared exactly as k_a·w_b < k_b·w_a in 128 bits; ties by USCC bytes.
    public static func precedes(_ a: Ranked, _ b: Ranked) -> Bool {
        let left = a.key.multipliedFullWidth(by: b.weight)
        let right = b.key.multipliedFullWidth(by: a.weight)
        if left.high != right.high { return left.high < right.high }
        if left.low != right.low { return left.low < right.low }
        return Array(a.uscc.utf8).lexicographicallyPrecedes(Array(b.uscc.utf8))
    }

    /// The first `size` of `members` in rank order (all of them, if fewer).
    public static func sample(_ members: [Ranked], size: Int) -> [Ranked] {
        Array(members.sorted(by: precedes).prefix(size))
    }
}
