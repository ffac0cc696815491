/// HQ's central intake log (DESIGN §7): every central item HQ imports and each routing decision
/// about it, signed by HQ and kept in the feed engine under the central division's code.
public enum IntakeOrigin {
    /// The log's origin and its signing key's name.
    public static let origin = "creditsync.samr/hq/intake"
    /// The `province` of its entries and its key in the feed engine: the division code of
    /// central registration authorities (GB/T 2260 has no 100000; USCCs use it for them).
    public static let division = "100000"
    /// The category of its entries.
    public static let category = "central_intake"
}
