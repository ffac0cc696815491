public import Foundation
public import HQStorage
public import LedgerCore
public import Quality

/// `creditsync inspect announce`: HQ fixes an inspection before it sees the data. It draws a
/// 32-byte secret, writes it to a file only HQ keeps (created exclusively, mode 0600), and
/// appends the notice with the commitment to the province's signed feed.
public enum Announcement {
    /// Default strata: `size` records over the rules file's categories in proportion to their
    /// weights (the four key categories weigh most), largest remainder first; bookkeeping and the
    /// categories HQ itself pushes down are not the bureau's to inspect.
    public static func defaultStrata(rules: QualityRules, size: Int) -> [InspectionNotice.Stratum] {
        let excluded = rules.bookkeeping.union(rules.pushDown?.categories ?? [])
        let categories = rules.categories.filter { !excluded.contains($0.name) && $0.weight > 0 }
        let total = categories.reduce(0) { $0 + $1.weight }
        guard total > 0, size > 0 else { return [] }
        var shares = categories.map { (name: $0.name, exact: Double(size) * $0.weight / total) }
        var counts = shares.map { Int($0.exact.rounded(.down)) }
        var left = size - counts.reduce(0, +)
        for index in shares.indices.sorted(by: { shares[$0].exact - Double(counts[$0]) > shares[$1].exact - Double(counts[$1]) }) where left > 0 {
            counts[index] += 1
            left -= 1
        }
        shares.removeAll()
        return zip(categories, counts).filter { $0.1 > 0 }.map { InspectionNotice.Stratum(name: $0.0.name, count: $0.1) }
    }

    /// The first day of the rules' audit scope (`audit_scope.years`, three) before `day`.
    public static func scopeFrom(rules: QualityRules, day: String) -> String {
        guard let date = CivilDate(iso: day) else { return day }
        return date.adding(years: -(rules.scopeYears ?? 3)).adding(days: 1).iso
    }

    /// A new secret: 32 bytes from the system's cryptographic generator.
    public static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Writes `secret` to `url`, which must not exist.
    public static func writeSecret(_ secret: [UInt8], to url: URL) throws(InspectionError) {
        let handle = try ExclusiveFile.create(url)
        do {
            try handle.write(contentsOf: Array((secret.hex + "\n").utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            throw InspectionError(.output, "cannot write the secret to \(url.path): \(error.localizedDescription)", hint: "check the disk")
        }
    }

    /// Reads a secret file back: 64 hex digits.
    public static func readSecret(_ url: URL) throws(InspectionError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path), data.count <= 1_024,
              let text = String(data: data, encoding: .utf8), let secret = [UInt8](hex: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              secret.count == 32 else {
            throw InspectionError(.usage, "\(url.path) is not an inspection secret (64 hex digits)", hint: "give the file `inspect announce --secret-out` wrote")
        }
        return secret
    }

    /// Appends `notice` to the province's feed (signed by `signer`, HQ's feed key of the province);
    /// returns the notice's feed index. Announcing the same notice again appends nothing; another
    /// notice under the same inspection id is refused.
    public static func append(_ notice: InspectionNotice, to feed: any FeedStore, signer: any NoteSigner, now: Date) async throws -> UInt64 {
        if let index = try await feed.indexes(changeIDs: [notice.changeID])[notice.changeID] {
            guard try await feed.entries(from: index, to: index + 1).first == notice.canonicalBytes else {
                throw InspectionError(.usage, "inspection \(notice.inspectionID) was announced to \(notice.province) before, with another notice",
                                      hint: "announce a new inspection under a new inspection id")
            }
            return index
        }
        let record = try ChangeRecord(value: notice.record, province: notice.province)
        let result = try await feed.append([PreparedEntry(record, suite: feed.suite)], signer: signer, now: now)
        guard let index = try await feed.indexes(changeIDs: [notice.changeID])[notice.changeID] else {
            throw InspectionError(.output, "the notice of \(notice.inspectionID) is not in the feed after appending it (checkpoint \(result.checkpoint.size))",
                                  hint: "run `creditsync hq verify`")
        }
        return index
    }
}
