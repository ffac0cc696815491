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
        abstract: "Compare a verified bundle with the inspector's archive findings (CSV, HTML, comparison.json).",
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

    @Option(help: "The archive findings CSV.")
    var archive: String

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
        guard let archiveBytes = FileManager.default.contents(atPath: archive) else {
            throw InspectionError(.usage, "cannot read --archive \(archive)", hint: "check the file name and its permissions")
        }
        let findings = try ArchiveCSV(bytes: Array(archiveBytes))
        let comparison = ArchiveComparison(bundle: bundle, archive: findings)
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: try ComparisonDocument.bundleSHA256(url), comparison: comparison,
                                          comparedOn: date ?? ChinaDay.of(Date()))
        let report = ComparisonReport(document: document, language: language)
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try InspectFiles.write(report.csv(), to: directory.appendingPathComponent("comparison.csv").path)
        try InspectFiles.write(Array(report.html().utf8), to: directory.appendingPathComponent("report.html").path)
        try InspectFiles.write(try SignedResult.sign(document, with: signer) + [0x0A], to: directory.appendingPathComponent("comparison.json").path)
        for rejection in findings.rejections { Output.error("\(archive):\(rejection.line): \(rejection.reason)") }
        let totals = ArchiveComparison.Kind.allCases.map { "\($0.rawValue) \(comparison.count($0))" }.joined(separator: ", ")
        Output.line("compared \(bundle.records.count) records of \(bundle.plan.sample.count) entities with \(findings.rows.count) archive rows: \(totals)")
        Output.line("wrote \(out)/comparison.csv, report.html, comparison.json")
        if !findings.rejections.isEmpty { throw ExitCode(ExitCodes.inputRejected) }
    }
}
