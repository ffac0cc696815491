import ArgumentParser
import CommandSupport
import DemoStories
import Foundation

struct DemoCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole story on embedded defaults in a temporary folder."
    )

    @Option(help: "Language of the narration: zh (简体中文, default) or en.")
    var lang: String = "zh"

    @Option(help: "Keep the demo's files in this directory instead of a temporary one.")
    var keep: String?

    @Option(help: "Where the audit reports go (default: KEEP/reports, else ./creditsync-demo-reports).")
    var reports: String?

    func execute() async throws {
        let narrator = Narrator(language: Narrator.Language(rawValue: lang) ?? .zh, write: Output.line)
        let root = keep.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("creditsync-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        let reportDirectory = URL(fileURLWithPath: reports ?? keep.map { $0 + "/reports" } ?? "creditsync-demo-reports", isDirectory: true)
        try await Demo(root: root, reports: reportDirectory, narrator: narrator).run()
    }
}
