import ArgumentParser
import CommandSupport
import Foundation
import LedgerCore
import LedgerStore
import ProvinceNode

struct ProvinceCheckpoint: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Print the latest signed checkpoint exactly.")

    @OptionGroup var options: LedgerOptions

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        guard let checkpoint = try await store.latestCheckpoint() else {
            throw LedgerStoreError(.noSuchCheckpoint, "the ledger has no checkpoint", hint: "append records first")
        }
        Output.raw(Array(checkpoint.text.utf8))
    }
}

struct ProvinceKey: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Print the log's note verifier key string.")

    @OptionGroup var options: LedgerOptions

    func execute() async throws {
        Output.line(try await ProvinceLedger.openStore(directory: options.directory).keyHistory().current.verifierKey)
    }
}

struct ProvinceEntry: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "entry", abstract: "Print the canonical bytes of one entry and a newline.")

    @OptionGroup var options: LedgerOptions

    @Option(help: "The entry's log index (0-based).")
    var index: UInt64

    func execute() async throws {
        try LogNumber.check(index, "--index")
        Output.raw(try await ProvinceLedger.openStore(directory: options.directory).entry(at: index) + [0x0A])
    }
}

struct ProvinceProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print RFC 9162 proofs as JSON (DESIGN §4).",
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: OperatorCommand {
        static let configuration = CommandConfiguration(commandName: "inclusion", abstract: "Inclusion proof of one entry.")

        @OptionGroup var options: LedgerOptions

        @Option(help: "The entry's log index.")
        var index: UInt64

        @Option(help: "Tree size to prove against (default: the latest checkpoint's).")
        var size: UInt64?

        func execute() async throws {
            try LogNumber.check(index, "--index")
            try LogNumber.check(size, "--size")
            let proof = try await ProvinceLedger.openStore(directory: options.directory).inclusionProof(index: index, treeSize: size)
            Output.line(proof.jsonText)
        }
    }

    struct Consistency: OperatorCommand {
        static let configuration = CommandConfiguration(commandName: "consistency", abstract: "Consistency proof between two tree sizes.")

        @OptionGroup var options: LedgerOptions

        @Option(help: "The older tree size.")
        var from: UInt64

        @Option(help: "The newer tree size (default: the latest checkpoint's).")
        var to: UInt64?

        func execute() async throws {
            try LogNumber.check(from, "--from")
            try LogNumber.check(to, "--to")
            let proof = try await ProvinceLedger.openStore(directory: options.directory).consistencyProof(from: from, to: to)
            Output.line(proof.jsonText)
        }
    }
}

struct ProvinceVerify: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute everything from the entries; exit 4 naming the first bad index on any difference."
    )

    @OptionGroup var options: LedgerOptions

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        do {
            let report = try await store.verify()
            Output.line("ok: \(report.entries) entries, \(report.checkpoints) checkpoints, \(report.stateItems) state items, \(report.tiles) tiles verified")
            if let latest = report.latest {
                Output.line("latest checkpoint: size \(latest.size) root \(latest.root.base64)")
            }
        } catch let error as LedgerStoreError where error.codeValue == .corrupt {
            if let index = error.index { Output.error("first bad index: \(index)") }
            throw error
        }
    }
}

struct ProvinceState: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "state", abstract: "Show a business record's current state and its latest entry.")

    @OptionGroup var options: LedgerOptions

    @Option(help: "The record category, e.g. admin_penalty.")
    var category: String

    @Option(help: "The business record id within the category.")
    var id: String

    func execute() async throws {
        let store = try ProvinceLedger.openStore(directory: options.directory)
        guard let item = try await store.state(category: category, id: id) else {
            throw LedgerStoreError(.indexOutOfRange, "no record \(category)/\(id) in this ledger", hint: "check the category and id; ids are per category")
        }
        let entry = try await JSONParser.parse(store.entry(at: item.lastIndex))
        let value = JSONValue.object([
            .init("category", .string(item.category)),
            .init("id", .string(item.id)),
            .init("content_hash", .string(item.contentHash.base64)),
            .init("last_index", .number(Double(item.lastIndex))),
            .init("revoked", .bool(item.revoked)),
            .init("entry", entry),
        ])
        Output.raw(CanonicalJSON.encode(value) + [0x0A])
    }
}
