import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import Inspection
import LedgerCore
import Quality

struct InspectAnnounce: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "announce",
        abstract: "Fix an inspection before seeing the data: the notice (strata, counts, rules) and a secret's commitment, into the province's signed feed.",
        discussion: """
            Writes the secret to --secret-out (a new file, mode 0600; keep it at HQ until the plan). The \
            province receives the notice at its next sync and cosigns the feed checkpoint holding it; \
            the sample is then drawn at its first checkpoint HQ cosigns after that (`inspect plan`).
            """
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "The province's division code.")
    var province: String

    @Option(help: "The inspection task's id (UTF-8 text).")
    var inspectionID: String

    @Option(help: "Records per stratum, e.g. admin_penalty=6,admin_license=6,registration=2 (default: --size over the rules' category weights).")
    var strata: String?

    @Option(help: "How many records in all when --strata is not given.")
    var size: Int = 40

    @Option(help: "A file of records the province answered as fixed, one category/id per line: they form the `fixed` stratum.")
    var claims: String?

    @Option(help: "How many claimed fixes to sample (with --claims).")
    var fixed: Int = 5

    @Option(help: "The first decision date in scope, YYYY-MM-DD (default: the rules' three years before today).")
    var scopeFrom: String?

    @Option(help: "Quality rules file (default: the rules shipped with this build).")
    var rules: String?

    @Option(help: "Where to write the secret (a new file).")
    var secretOut: String

    func execute() async throws {
        let rulesFile = try rules.map { try QualityRules.load(contentsOf: URL(fileURLWithPath: $0)) } ?? QualityRules.bundled()
        let today = ChinaDay.of(Date())
        var strata = try strata.map(Self.parse) ?? Announcement.defaultStrata(rules: rulesFile, size: size)
        var claimed: [String] = []
        if let claims {
            claimed = try InputText.read(claims, option: "--claims", limit: 16 << 20).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            strata.insert(.init(name: InspectionNotice.fixedStratum, count: fixed), at: 0)
        }
        let secret = Announcement.newSecret()
        let notice = try InspectionNotice(inspectionID: inspectionID, province: try ProvinceCode(province).rawValue, strata: strata, fixedClaims: claimed,
                                          scopeFrom: scopeFrom ?? Announcement.scopeFrom(rules: rulesFile, day: today), rulesVersion: rulesFile.version,
                                          rulesSHA256: rulesFile.sha256, commitment: InspectionNotice.commitment(secret: secret), announcedOn: today)
        try Announcement.writeSecret(secret, to: URL(fileURLWithPath: secretOut))
        let index = try await storage.with { data in
            guard let enrolment = try await data.registry.enrolment(province: notice.province) else {
                try? FileManager.default.removeItem(atPath: secretOut)  // nothing was announced
                throw HQStorageError(.notEnrolled, "province \(notice.province) is not enrolled at HQ", hint: "enrol it first with `creditsync hq enroll`")
            }
            let feed = try await data.feed(of: enrolment)
            // Kept whatever happens from here: once the append may have committed, the secret is
            // the only way to plan this inspection.
            return try await Announcement.append(notice, to: feed, signer: try data.keys.feedSigner(province: notice.province, suite: enrolment.suite), now: Date())
        }
        Output.line("announced inspection \(inspectionID) to \(notice.province): feed entry \(index), commitment \(notice.commitment.prefix(16))…")
        Output.line("  strata: \(notice.strata.map { "\($0.name)=\($0.count)" }.joined(separator: ",")); in scope from \(notice.scopeFrom); rules \(notice.rulesVersion)")
        Output.line("  secret in \(secretOut): keep it at HQ; `inspect plan` reveals it after the province's next sync")
    }

    static func parse(_ text: String) throws -> [InspectionNotice.Stratum] {
        try text.split(separator: ",").map { part in
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let count = Int(pair[1].trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--strata is CATEGORY=COUNT,…; \"\(part)\" is not")
            }
            return InspectionNotice.Stratum(name: pair[0].trimmingCharacters(in: .whitespaces), count: count)
        }
    }
}
