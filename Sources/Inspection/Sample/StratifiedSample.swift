import LedgerCore

/// The stratified sample of a bureau's records (Protocol/inspection.md §1, normative). Each
/// member gets a uniform 64-bit key from a seed neither side could steer: HQ fixed the notice and
/// committed to the secret before the draw point existed (the province's acknowledgement of the
/// notice, with its nonce), and the province did not know the secret when it wrote it. Within
/// each stratum the smallest keys are the sample, so every record of a stratum is equally likely,
/// and anyone with the notice, the secret and the log up to the draw point draws the same list.
///
/// SHA-256 is part of the definition for every suite: an SM3 ledger's sample is drawn the same way.
public enum StratifiedSample {
    public static let domain = "creditsync/inspection/v2"

    /// SHA-256(`creditsync/inspection/v2` 0x0A ‖ SHA-256(notice entry) ‖ secret ‖ draw text), the
    /// draw text being `DrawScan.noteText`: origin, size and root of the log at the draw point.
    public static func seed(notice: [UInt8], secret: [UInt8], noteText: String) -> [UInt8] {
        let hasher = SHA256Algorithm()
        return hasher.hash(Array(domain.utf8) + [0x0A] + hasher.hash(notice).bytes + secret + Array(noteText.utf8)).bytes
    }

    /// The first 8 bytes of SHA-256(seed ‖ category ‖ 0x0A ‖ id), big-endian.
    public static func key(seed: [UInt8], category: String, id: String) -> UInt64 {
        SHA256Algorithm().hash(seed + Array(category.utf8) + [0x0A] + Array(id.utf8)).bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A drawn record.
    public struct Item: Sendable, Equatable {
        public var stratum: String
        public var rank: Int
        public var category: String
        public var id: String
        public var index: UInt64
        public var key: UInt64
        /// From the record's entry, for people.
        public var uscc: String
        public var name: String

        public init(stratum: String, rank: Int, category: String, id: String, index: UInt64, key: UInt64, uscc: String = "", name: String = "") {
            self.stratum = stratum
            self.rank = rank
            self.category = category
            self.id = id
            self.index = index
            self.key = key
            self.uscc = uscc
            self.name = name
        }

    }

    /// Per stratum, in the notice's order, its `count` members of smallest key (ties: category,
    /// then id, as bytes), ranked from 1; and how many members each stratum had.
    public static func draw(notice: InspectionNotice, seed: [UInt8], members: [RecordScan.Member]) -> (sample: [Item], population: [String: Int]) {
        var selection = Selection(notice: notice, seed: seed)
        for member in members { selection.add(member) }
        return selection.result()
    }

    /// The `count` smallest keys of each stratum, kept as members stream by: memory follows the
    /// sample, not the population.
    public struct Selection {
        let notice: InspectionNotice
        let seed: [UInt8]
        var kept: [String: [Item]] = [:]
        var population: [String: Int] = [:]

        public init(notice: InspectionNotice, seed: [UInt8]) {
            self.notice = notice
            self.seed = seed
        }

        public mutating func add(_ member: RecordScan.Member) {
            let count = notice.count(of: member.stratum)
            guard count > 0 else { return }
            population[member.stratum, default: 0] += 1
            kept[member.stratum, default: []].append(Item(stratum: member.stratum, rank: 0, category: member.category, id: member.id,
                                                          index: member.index, key: StratifiedSample.key(seed: seed, category: member.category, id: member.id)))
            if kept[member.stratum]!.count >= 2 * count + 64 {
                kept[member.stratum]!.sort(by: StratifiedSample.precedes)
                kept[member.stratum]!.removeLast(kept[member.stratum]!.count - count)
            }
        }

        public func result() -> (sample: [Item], population: [String: Int]) {
            var sample: [Item] = []
            var population: [String: Int] = [:]
            for stratum in notice.strata {
                population[stratum.name] = self.population[stratum.name] ?? 0
                for (offset, var item) in (kept[stratum.name] ?? []).sorted(by: StratifiedSample.precedes).prefix(stratum.count).enumerated() {
                    item.rank = offset + 1
                    sample.append(item)
                }
            }
            return (sample, population)
        }
    }

    static func precedes(_ a: Item, _ b: Item) -> Bool {
        if a.key != b.key { return a.key < b.key }
        if !a.category.utf8.elementsEqual(b.category.utf8) { return a.category.utf8.lexicographicallyPrecedes(b.category.utf8) }
        return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }
}
