import ArgumentParser
import CommandSupport
import Foundation
import Inspection
import LedgerCore
import LedgerStore
import ProvinceNode
import Quality

struct InspectRecord: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Append an inspection's results to the province ledger as spot_check records.",
        discussion: """
            One spot_check record per sampled entity, from comparison.json: result "未发现问题" when the \
            archive agreed with the system, the discrepancy result otherwise. Recording the same \
            comparison again appends nothing; the records reach HQ in the next sync.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The comparison.json that `inspect compare` wrote.")
    var inspection: String

    @Option(help: "The inspecting authority (检查实施机关).")
    var authority: String

    @Option(help: "The inspecting authority's Unified Social Credit Code (the records' source.uscc).")
    var authorityUSCC: String

    @Option(help: "check_type code (default 双随机抽查).")
    var checkType: String = SpotCheckRecords.defaultCheckType

    @Option(help: "check_result code for an entity whose records differ from the archive.")
    var discrepancyResult: String = SpotCheckRecords.defaultDiscrepancyResult

    func execute() async throws {
        let document = try ComparisonDocument(json: InspectFiles.readJSON(inspection, option: "--inspection"))
        let results = try SpotCheckRecords(authority: authority, authorityUSCC: authorityUSCC, checkType: checkType, discrepancyResult: discrepancyResult,
                                           tables: try DomainTables.bundled())
        let ledger = try await ProvinceLedger.open(directory: options.directory)
        guard ledger.store.metadata.origin == document.origin else {
            throw InspectionError(.usage, "the inspection sampled \(document.origin); this ledger is \(ledger.store.metadata.origin)",
                                  hint: "record the results into the ledger of the province that was inspected")
        }
        let records = try results.records(for: document, province: ledger.province, recordedAt: Date())
        let result = try await ledger.store.append(records, signer: ledger.signer, now: Date())
        let discrepant = document.entities.filter { !$0.clean }.count
        Output.line("recorded \(result.appended) spot_check records (\(result.duplicates) already recorded): \(document.entities.count - discrepant) without problems, \(discrepant) with discrepancies")
        Output.line("checkpoint size \(result.checkpoint.size) root \(result.checkpoint.root.base64)")
    }
}
