import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import ProvinceNode

struct ProvinceRisk: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "List the central risk information HQ's feed delivered for an entity: source department, kind, the feed entry it came from, and its withdrawal if the entity moved away."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The entity's Unified Social Credit Code.")
    var uscc: String

    @Flag(help: "Print the delivered records as NDJSON instead of a list.")
    var json = false

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        let items = try await store.centralRisk(uscc: uscc)
        let formatter = ISO8601DateFormatter()
        if items.isEmpty, !json { Output.line("no central risk information for \(uscc)") }
        for item in items {
            if json {
                Output.raw(item.entry + [0x0A])
                if let withdrawal = item.withdrawal { Output.raw(withdrawal.entry + [0x0A]) }
                continue
            }
            let value = try JSONParser.parse(item.entry)
            func text(_ path: String) -> String { value.value(at: path)?.text ?? "-" }
            Output.line("\(text("fields.kind")) | \(text("fields.source_dept")) | \(text("fields.case_no")) | 认定日期 \(text("fields.decided_on")) | \(text("op"))")
            Output.line("  feed \(item.origin) entry \(item.feedIndex) (checkpoint \(item.feedSize)), change_id \(item.changeID), applied \(formatter.string(from: item.appliedAt))")
            if let withdrawal = item.withdrawal {
                Output.line("  WITHDRAWN by feed entry \(withdrawal.feedIndex) (\(withdrawal.code)\(withdrawal.to.map { ", now registered in \($0)" } ?? "")): \(withdrawal.reason)")
            }
        }
    }
}
