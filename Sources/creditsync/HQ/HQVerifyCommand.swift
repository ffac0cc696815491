import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import LedgerCore
import Mirroring
import NationalCrypto

/// `hq verify`: HQ's fsck. Recomputes every mirror's tree from its entries and checks its tiles,
/// state and every stored checkpoint against the province's enrolled keys, on either backend (the
/// check itself is the shared `LogVerifier`), HQ's feeds and intake log likewise, and then that
/// every central item in the intake log is delivered unaltered to exactly one live feed or held
/// (`IntakeVerification`). For after a restore, and monthly.
struct HQVerifyCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every mirror and HQ's feed to it (or --province), and that every central item in HQ's intake log is delivered to exactly one live feed or held; exit 4 names the first failure."
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "Only this province (six-digit code).")
    var province: String?

    func execute() async throws {
        let failure: (any Error)? = try await storage.with { data in
            var enrolments = try await data.registry.enrolments()
            if let province {
                enrolments = enrolments.filter { $0.province == province }
                guard !enrolments.isEmpty else {
                    throw HQError(.notEnrolled, "province \(province) is not enrolled", hint: "`creditsync hq status` lists the enrolled provinces")
                }
            }
            var first: (any Error)?
            for enrolment in enrolments {
                do {
                    let keys = try enrolment.keyHistory(suite: Suites.named(enrolment.suite))
                    let report = try await data.storage.mirror(province: enrolment.province).verify(keys: keys)
                    Output.line("\(enrolment.province) ok: \(report.entries) entries, \(report.tiles) tiles, \(report.stateItems) state items, \(report.checkpoints) checkpoints")
                } catch {
                    Output.line("\(enrolment.province) FAILED: \(error)")
                    first = first ?? error
                }
                do {
                    let feed = try await data.feed(province: enrolment.province)
                    let key = try data.keys.feedVerifierKey(province: enrolment.province, suite: enrolment.suite)
                    let report = try await feed.verify(keys: try LogKeyHistory([(key, 0)], suite: feed.suite))
                    Output.line("\(enrolment.province) feed ok: \(report.entries) entries, \(report.tiles) tiles, \(report.checkpoints) checkpoints")
                } catch {
                    Output.line("\(enrolment.province) feed FAILED: \(error)")
                    first = first ?? error
                }
            }
            // Every central item accounted for: in the intake log, then delivered unaltered to
            // exactly one live feed, or held (spans every feed, so only without --province).
            if province == nil {
                do {
                    let report = try await IntakeVerification(data: data).run()
                    if report.findings.isEmpty {
                        let summary = report.summary
                        Output.line("intake ok: \(report.log.entries) entries, \(summary.items) items (\(summary.routed) delivered, \(summary.held) held, \(summary.moved) moved), \(summary.feedEntries) feed entries accounted for")
                    } else {
                        for finding in report.findings { Output.line("intake FAILED: \(finding)") }
                        if report.omitted > 0 { Output.line("intake FAILED: \(report.omitted) more findings not shown") }
                        let codes = Set(report.findings.map(\.code.rawValue)).sorted().joined(separator: ", ")
                        first = first ?? HQError(.intake, "\(report.findings.count + report.omitted) central items are not accounted for (\(codes))",
                                                 hint: "each line above names an item and what HQ's intake log and the feeds disagree on; keep the database as evidence")
                    }
                } catch {
                    Output.line("intake FAILED: \(error)")
                    first = first ?? error
                }
            }
            return first
        }
        if let failure { throw failure }
    }
}
