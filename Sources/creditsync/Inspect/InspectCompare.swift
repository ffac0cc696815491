import ArgumentParser
import CommandSupport
import Foundation
import Inspection
import LedgerCore
import NationalCrypto
import Reports

struct InspectCompare: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a verified bundle three ways (central register, archive, reality) plus the checklist; write CSV, HTML and the signed comparison.json.",
        discussion: """
            The archive template is ops/inspection/archive-template.csv: category, record_id, field, \
            value_seen, note. Unusable rows are reported as FILE:LINE: reason; the rest is compared and \
            the command exits with 3.
            """
    )

    @Argument(help: "The bundle file.")
    var file: String

    @Option(help: "HQ's trust file (`creditsync hq keys export`): the only keys the bundle is verified against.")
    var trust: String

    @Option(help: "HQ's inspection key (inspection.key in HQ's key directory): signs the result.")
    var key: String

    @Option(help: "The archive findings CSV (system vs archive; template ops/inspection/archive-template.csv).")
    var archive: String

    @Option(help: "The on-site findings CSV (archive vs reality; template ops/inspection/onsite-template.csv).")
    var onsite: String?

    @Option(help: "The checklist answers CSV (working mechanisms and data use; template ops/inspection/checklist-template.csv).")
    var checklist: String?

    @Option(help: "The checklist (default: the one shipped with this build, = ops/inspection/checklist.json).")
    var checklistItems: String?

    @Option(help: "The output directory.")
    var out: String

    @Option(help: "Report language: zh (default) or en.")
    var lang: String = "zh"

    @Option(help: "The day of the comparison, YYYY-MM-DD (default: today in China Standard Time).")
    var date: String?

    func execute() async throws {
        guard let language = ReportLanguage(rawValue: lang) else { throw ValidationError("--lang is zh or en") }
        let signer: Ed25519NoteSigner
        do {
            signer = try Ed25519NoteSigner(privateKeyString: try InputText.read(key, option: "--key").trimmingCharacters(in: .whitespacesAndNewlines))
        } catch let error as InspectionError {
            throw error
        } catch {
            throw InspectionError(.usage, "--key \(key) is not an Ed25519 note key: \(error)", hint: "give HQ's inspection.key")
        }
        let url = URL(fileURLWithPath: file)
        let bundle = try BundleVerifier.verify(url, trust: try InspectionTrust.read(URL(fileURLWithPath: trust)), resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
        let findings = try ArchiveCSV(bytes: try Self.bytes(archive, option: "--archive"))
        let reality = try onsite.map { try OnsiteCSV(bytes: try Self.bytes($0, option: "--onsite")) }
        let items = try checklistItems.map { try Checklist(bytes: try Self.bytes($0, option: "--checklist-items")) } ?? Checklist.bundled()
        let answered = try checklist.map { try items.answers(try Self.bytes($0, option: "--checklist")) }
        let comparison = try InspectionComparison(bundle: bundle, archive: findings, onsite: reality)
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: bundle.fileSHA256, comparison: comparison,
                                          checklist: answered?.answers ?? [], comparedOn: date ?? ChinaDay.of(Date()))
        let report = ComparisonReport(document: document, language: language)
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try InspectFiles.write(report.csv(), to: directory.appendingPathComponent("comparison.csv").path)
        try InspectFiles.write(Array(report.html().utf8), to: directory.appendingPathComponent("report.html").path)
        try InspectFiles.write(try SignedResult.sign(document, with: signer) + [0x0A], to: directory.appendingPathComponent("comparison.json").path)
        var rejected = false
        for (file, rejections) in [(archive, findings.rejections), (archive, comparison.archiveRejections), (onsite ?? "", reality?.rejections ?? []),
                                   (onsite ?? "", comparison.rejections), (checklist ?? "", answered?.rejections ?? [])] {
            for rejection in rejections {
                Output.error("\(file):\(rejection.line): \(rejection.reason)")
                rejected = true
            }
        }
        let totals = InspectionComparison.Kind.allCases.map { "\($0.rawValue) \(comparison.count($0))" }.joined(separator: ", ")
        Output.line("compared \(bundle.records.count) sampled records three ways (central \(bundle.registerSize == nil ? "not in the bundle" : "register"), archive \(findings.rows.count) rows, on site \(reality?.rows.count ?? 0) rows): \(totals)")
        if let answered {
            Output.line("checklist: " + Checklist.Answer.allCases.map { answer in "\(answer.rawValue) \(answered.answers.filter { $0.answer == answer }.count)" }.joined(separator: ", "))
        }
        Output.line("wrote \(out)/comparison.csv, report.html, comparison.json (signed)")
        if rejected { throw ExitCode(ExitCodes.inputRejected) }
    }

    static func bytes(_ path: String, option: String) throws -> [UInt8] {
        try InspectorFile.read(path, option: option)
    }
}
