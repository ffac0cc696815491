import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import Logging
import ProvinceNode

struct ProvinceSync: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync the ledger to HQ over mutual TLS: checkpoint, missing entries, HQ's receipt; then HQ's feed of central risk information.",
        discussion: """
            Every setting comes from --config or a flag of the same name; flags win. Resumable and \
            idempotent: run it again after any failure. Exit codes: 0 synced; 5 configuration; \
            6 HQ unreachable or shutting down (retry later); 7 refused by HQ or a fork, or a feed delivery \
            that failed verification (needs an operator). With hq_feed_key set, the sync then receives \
            HQ's feed, applies it, and uploads the acknowledgement records it appended.
            """
    )

    @Option(help: "The ledger directory (or \"ledger\" in the config file).")
    var ledger: String?
    @Option(help: "JSON config file (see ops/province.example.json).")
    var config: String?
    @Option(help: "HQ's base URL, https://HOST:PORT.") var hqURL: String?
    @Option(help: "This province's client certificate (PEM).") var cert: String?
    @Option(help: "Its private key (PEM).") var key: String?
    @Option(help: "The CA to trust for HQ (PEM).") var ca: String?
    @Option(help: "HQ's cosigner verifier key, to check receipts.") var hqKey: String?
    @Option(help: "HQ's feed verifier key for this province (printed by `hq enroll`); without it the feed is not read.") var hqFeedKey: String?
    @Option(help: "Compress uploads with gzip (true/false).") var gzip: Bool?
    @Option(help: "Seconds per request.") var timeoutSeconds: Int?
    @Option(help: "Retries after conflicts or broken connections.") var retries: Int?
    @Option(help: "Oldest HQ view of the feed accepted, in seconds (default two days).") var feedViewMaxAgeSeconds: Int?

    struct LedgerOnly: Decodable { var ledger: String? }

    func execute() async throws {
        var flags = SyncConfiguration.File()
        flags.hqURL = hqURL
        flags.cert = cert
        flags.key = key
        flags.ca = ca
        flags.hqKey = hqKey
        flags.hqFeedKey = hqFeedKey
        flags.gzip = gzip
        flags.timeoutSeconds = timeoutSeconds
        flags.retries = retries
        flags.feedViewMaxAgeSeconds = feedViewMaxAgeSeconds
        let configuration = try SyncConfiguration(file: try config.map(SyncConfiguration.File.load) ?? .init(), flags: flags)
        let fromFile = config.flatMap { try? JSONDecoder().decode(LedgerOnly.self, from: Data(contentsOf: URL(fileURLWithPath: $0))).ledger }
        guard let directory = ledger ?? fromFile else {
            throw ProvinceNodeError(.configuration, "missing setting ledger", hint: "pass --ledger DIR or set \"ledger\" in the config file")
        }
        let opened = configuration.hqFeedKey == nil ? nil : try await ProvinceLedger.open(directory: URL(fileURLWithPath: directory))
        let store = try opened?.store ?? ProvinceLedger.openStore(directory: URL(fileURLWithPath: directory))
        let terminal = Output.standardErrorIsTerminal
        let client = SyncClient(configuration: configuration, logger: Logger(label: "creditsync.province.sync"))
        let day = try await DailySync(client: client).run(store, signer: opened?.signer) { progress in
            guard terminal else { return }
            switch progress {
            case .state(let hq, let local):
                FileHandle.standardError.write(Data("HQ holds \(hq) of \(local) entries\n".utf8))
            case .uploading(let sent, let total):
                FileHandle.standardError.write(Data("\ruploading … \(sent)/\(total)".utf8))
            }
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let feed = day.feed {
            Output.line("feed: applied \(feed.applied) central risk entries in \(feed.deliveries) deliveries; at feed size \(feed.cursor) of \(feed.latest)"
                        + (feed.cursor > 0 ? ", cosigned" : ""))
        }
        let summary = day.upload
        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(summary.receiptTime)))
        Output.line("synced \(store.metadata.province): uploaded \(summary.uploaded) entries; HQ holds size \(summary.size) root \(summary.root.base64); receipt \(time)")
    }
}

struct ProvinceReceipts: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "receipts", abstract: "List HQ's receipts (cosignatures) stored in the ledger.")

    @OptionGroup var options: LedgerOptions

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        let formatter = ISO8601DateFormatter()
        let receipts = try await store.receipts()
        if receipts.isEmpty { Output.line("no receipts yet: run `creditsync province sync`") }
        for receipt in receipts {
            let root = try await store.checkpoint(size: receipt.size)?.root.base64 ?? "?"
            Output.line("size \(receipt.size) root \(root) cosigned by \(receipt.cosigner) at \(formatter.string(from: Date(timeIntervalSince1970: Double(receipt.time))))")
            Output.raw(Array(receipt.signature.line.utf8))
        }
    }
}
