import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import ProvinceNode

struct ProvinceAppend: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append NDJSON change records from files or standard input, then sign a checkpoint.",
        discussion: """
            Streams its input: memory does not grow with the input size. Records whose change_id the \
            ledger already holds are acknowledged and skipped. Structurally unusable lines are \
            reported on standard error as FILE:LINE: reason [code] and not stored; the command then \
            exits with 3 after storing everything else.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "Records per transaction; each batch commits with its own signed checkpoint.")
    var batchSize: Int = 10_000

    @Argument(help: "NDJSON files to read; none or '-' reads standard input.")
    var files: [String] = []

    func execute() async throws {
        let ledger = try await ProvinceLedger.open(directory: options.directory)
        let sources = files.isEmpty ? [Ingestor.Source.standardInput]
            : files.map { $0 == "-" ? .standardInput : Ingestor.Source(name: $0, path: $0) }
        let showProgress = Output.standardErrorIsTerminal
        let summary = try await Ingestor(ledger: ledger, batchSize: batchSize).ingest(
            sources,
            onRejection: { rejection in
                Output.error("\(rejection.source):\(rejection.line): \(rejection.reason) [\(rejection.code)]")
            },
            onBatch: { progress in
                if showProgress {
                    FileHandle.standardError.write(Data("\r… \(progress.appended) appended, \(progress.duplicates) duplicates, \(progress.rejected) rejected".utf8))
                }
            }
        )
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        Output.line("appended \(summary.appended), skipped \(summary.duplicates) duplicates, rejected \(summary.rejected)")
        if let checkpoint = summary.checkpoint {
            Output.line("checkpoint size \(checkpoint.size) root \(checkpoint.root.base64)")
        }
        if summary.rejected > 0 { throw ExitCode(ExitCodes.inputRejected) }
    }
}
