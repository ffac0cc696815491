import ArgumentParser
import CommandSupport
import Foundation
import Gzip
import HQNode
import LedgerCore
import LineInput
import Mirroring
import NationalCrypto

extension HQRiskCommand {
    struct ExportLogs: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-logs",
            abstract: "Export HQ's intake log and every province's feed, with their signed checkpoints, for `hq risk check-logs` anywhere.",
            discussion: "Writes intake.checkpoint, intake.ndjson, feeds/<code>.checkpoint, feeds/<code>.ndjson and keys.txt (HQ's verifier keys; hand them over by a channel the checker trusts). Waits for a running import or release to end, so the export is one state of the logs."
        )

        @OptionGroup var storage: HQDataOptions

        @Option(help: "Directory to write (created if missing).")
        var out: String

        func execute() async throws {
            let summary = try await storage.with { data in try await IntakeExport(data: data).run(to: URL(fileURLWithPath: out)) }
            Output.line("intake log: \(summary.intakeEntries) entries; feeds: \(summary.feeds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            Output.line("verifier keys (also in \(out)/keys.txt):")
            for key in summary.keys { Output.line("  \(key)") }
        }
    }

    struct CheckLogs: OperatorCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-logs",
            abstract: "Check an export of HQ's intake log and feeds offline: signatures, trees, and every central item delivered unaltered to exactly one live feed, or held.",
            discussion: "Needs no HQ data: only the export and HQ's verifier keys, given with --key (or --keys FILE), never taken from the export itself. Exit 4 names every finding."
        )

        @Argument(help: "The directory `hq risk export-logs` wrote.")
        var directory: String

        @Option(help: "A verifier key of HQ's: the intake log's (creditsync.samr/hq/intake) or a feed's (creditsync.samr/hq/feed/<code>). Repeat for each.")
        var key: [String] = []

        @Option(help: "A file of such verifier keys, one per line.")
        var keys: String?

        func execute() async throws {
            var texts = key
            if let keys {
                guard let text = try? String(contentsOfFile: keys, encoding: .utf8) else {
                    throw HQError(.input, "cannot read \(keys)", hint: "give the file of HQ's verifier keys, one per line")
                }
                texts += text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
            }
            var trusted: [String: (verifier: any NoteVerifier, suite: Suite)] = [:]
            for text in texts {
                let verifier = [SuiteID.sha256Ed25519, .sm3SM2].lazy.compactMap { id in (try? Suites.named(id).verifier(forKey: text)).map { ($0, Suites.named(id)) } }.first
                guard let verifier else {
                    throw HQError(.configuration, "\"\(text)\" is not a verifier key of either suite", hint: "copy the keys `hq risk export-logs` printed")
                }
                trusted[verifier.0.name] = verifier
            }
            let root = URL(fileURLWithPath: directory)
            var accounting = IntakeAccounting()
            guard let intakeKey = trusted[IntakeOrigin.origin] else {
                throw HQError(.configuration, "no key given for \(IntakeOrigin.origin)", hint: "pass HQ's intake key with --key")
            }
            let intake = try check(root.appendingPathComponent("intake"), origin: IntakeOrigin.origin, key: intakeKey) { index, bytes in
                accounting.intake(index: index, entry: bytes)
            }
            Output.line("intake ok: \(intake) entries, signed and complete")
            let feeds = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("feeds").path)) ?? [])
                .filter { $0.hasSuffix(".checkpoint") }.map { String($0.dropLast(".checkpoint".count)) }.sorted()
            for province in feeds {
                let origin = FeedOrigin.of(province: province)
                guard let feedKey = trusted[origin] else {
                    throw HQError(.configuration, "no key given for \(origin)", hint: "pass each feed's key with --key (`hq enroll` printed them)")
                }
                let size = try check(root.appendingPathComponent("feeds").appendingPathComponent(province), origin: origin, key: feedKey) { index, bytes in
                    accounting.feed(province: province, index: index, entry: bytes)
                }
                Output.line("\(province) feed ok: \(size) entries, signed and complete")
            }
            let (summary, findings, omitted) = accounting.finish()
            guard findings.isEmpty else {
                for finding in findings { Output.line("intake FAILED: \(finding)") }
                if omitted > 0 { Output.line("intake FAILED: \(omitted) more findings not shown") }
                throw HQError(.intake, "\(findings.count + omitted) central items are not accounted for (\(Set(findings.map(\.code.rawValue)).sorted().joined(separator: ", ")))",
                              hint: "each line above names an item and what the intake log and the feeds disagree on")
            }
            Output.line("every central item accounted for: \(summary.items) items (\(summary.routed) delivered, \(summary.held) held, \(summary.moved) moved), \(summary.feedEntries) feed entries")
        }

        /// Verifies `BASE.checkpoint` with `key` and streams `BASE.ndjson` through `body`;
        /// returns the entry count.
        func check(_ base: URL, origin: String, key: (verifier: any NoteVerifier, suite: Suite), _ body: (UInt64, [UInt8]) -> Void) throws -> UInt64 {
            let checkpointPath = base.appendingPathExtension("checkpoint").path
            guard let text = try? String(contentsOfFile: checkpointPath, encoding: .utf8) else {
                throw HQError(.input, "cannot read \(checkpointPath)", hint: "give the directory `hq risk export-logs` wrote")
            }
            let entriesPath = base.appendingPathExtension("ndjson").path
            guard let handle = FileHandle(forReadingAtPath: entriesPath) else {
                throw HQError(.input, "cannot read \(entriesPath)", hint: "give the directory `hq risk export-logs` wrote")
            }
            defer { try? handle.close() }
            do {
                var log = try ExportedLog(checkpoint: text, key: key.verifier, suite: key.suite, origin: origin)
                var reader = LineReader(handle: handle, maximumLength: ChangeRecord.maximumSize)
                while let line = try reader.next() {
                    switch line {
                    case .text(_, let bytes): body(try log.append(bytes), bytes)
                    case .tooLong(let number, _): throw ExportedLogError("\(entriesPath):\(number) is longer than an entry can be")
                    }
                }
                try log.finish()
                return log.checkpoint.size
            } catch let error as ExportedLogError {
                throw HQError(.intake, error.message, hint: "the export is not what HQ signed: take it again, or keep it as evidence")
            } catch let error as GzipError {
                throw HQError(.input, "\(entriesPath): \(error)", hint: "give the directory `hq risk export-logs` wrote")
            }
        }
    }
}
