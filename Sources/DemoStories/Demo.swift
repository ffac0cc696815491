public import Foundation

/// The whole demo story (`creditsync demo`): ledgers, the sync to HQ, the audit, the on-site
/// inspection and the push-down, narrated step by step. A library so that tests can run it.
public struct Demo: Sendable {
    public let root: URL
    public let reports: URL
    public let narrator: Narrator

    /// Runs in `root` (which must exist) and writes the audit and inspection reports to `reports`.
    public init(root: URL, reports: URL, narrator: Narrator) {
        self.root = root
        self.reports = reports.standardizedFileURL
        self.narrator = narrator
    }

    public func run() async throws {
        narrator.say(zh: "演示目录：\(root.path)", en: "demo folder: \(root.path)")
        let provinces = try await LedgerStory(root: root, narrator: narrator).run()
        try await SyncStory(root: root, narrator: narrator, provinces: provinces).run(firstStep: 9)
        try await AuditStory(root: root, reports: reports, narrator: narrator).run(firstStep: 13)
        try await InspectionStory(root: root, reports: reports, narrator: narrator).run(firstStep: 15)
        try await FeedStory(root: root, narrator: narrator).run(firstStep: 21)
        narrator.say(zh: "", en: "")
        narrator.say(zh: "演示完成。", en: "Demo complete.")
    }
}
