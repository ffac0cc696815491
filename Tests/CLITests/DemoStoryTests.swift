import DemoStories
import Foundation
import Synchronization
import Testing
import TestSupport

/// The demo's story run as a library, without the CLI: every step narrated, no step that
/// reports a failure (✗), and the reports written where asked.
@Suite("Demo stories")
struct DemoStoryTests {
    @Test("the whole story in English, every step in order, nothing unnoticed")
    func wholeStory() async throws {
        let directory = try TemporaryDirectory("creditsync-demo-story")
        let lines = Mutex<[String]>([])
        let narrator = Narrator(language: .en) { line in lines.withLock { $0.append(line) } }
        let reports = directory.appending("reports")
        try await Demo(root: directory.url, reports: reports, narrator: narrator).run()

        let story = lines.withLock { $0 }
        let steps = story.compactMap { line -> Int? in
            guard line.hasPrefix("["), let end = line.firstIndex(of: "]") else { return nil }
            return Int(line[line.index(after: line.startIndex)..<end])
        }
        #expect(steps == Array(1...steps.count) && steps.count >= 20, "\(steps)")
        #expect(!story.contains { $0.contains("✗") }, "\(story.filter { $0.contains("✗") })")
        #expect(story.contains { $0.contains("✓ verification fails at index 777") })
        #expect(story.last == "    Demo complete.")
        // The audit shows a record HQ lacks, a business-key pairing and the stock/increment split.
        let notReported = story.filter { $0.contains("held locally but not at HQ") }
        #expect(notReported.count == 2 && notReported.allSatisfy { !$0.contains("HQ (not reported, scored under comprehensiveness): 0;") }, "\(notReported)")
        #expect(story.contains { $0.contains("under different ids: 2") }, "\(notReported)")
        #expect(story.filter { $0.contains("increment (recorded this month)") && $0.contains("; stock ") }.count == 2)
        #expect(FileManager.default.fileExists(atPath: reports.appendingPathComponent("national.html").path))
    }
}
