import ArgumentParser
import Foundation
import HQNode
import LedgerCore
import Logging
import NationalCrypto
import NIOCore
import ServiceLifecycle

struct HQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hq",
        abstract: "The headquarters node: enrolment, the mTLS sync server, status.",
        subcommands: [HQInit.self, HQEnroll.self, HQServe.self, HQStatusCommand.self]
    )
}

struct HQInit: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create HQ's data directory and its receipt (cosigner) key.")

    @Option(help: "HQ's data directory.")
    var data: String

    @Option(help: "HQ's cosigner key name.")
    var name: String = HQDataDirectory.defaultName

    func execute() async throws {
        let directory = try HQDataDirectory.initialize(at: URL(fileURLWithPath: data), name: name)
        Output.line("created HQ data directory \(data)")
        Output.line("cosigner key (give it to provinces as hq_key): \(directory.cosigner.verifierKey)")
    }
}

struct HQEnroll: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "enroll", abstract: "Enrol a province's log signing key and create its mirror.")

    @Option(help: "HQ's data directory.")
    var data: String

    @Option(help: "The province's division code.")
    var province: String

    @Option(help: "The province log's verifier key string (`creditsync province key`).")
    var key: String

    func execute() async throws {
        let code = try ProvinceCode(province)
        let directory = try HQDataDirectory.open(at: URL(fileURLWithPath: data))
        let enrolment = try directory.enroll(province: code.rawValue, verifierKey: key, now: Date())
        Output.line("enrolled \(enrolment.province): origin \(enrolment.origin), suite \(enrolment.suite.rawValue)")
    }
}

struct HQServe: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HQ sync server (HTTPS, TLS 1.3, client certificates required) until SIGTERM.",
        discussion: "Every setting comes from --config or a flag of the same name; flags win. See ops/README.md."
    )

    @Option(help: "JSON config file (see ops/hq.example.json).")
    var config: String?
    @Option(help: "HQ's data directory.") var data: String?
    @Option(help: "Listen address HOST:PORT.") var listen: String?
    @Option(help: "HQ's certificate chain (PEM).") var cert: String?
    @Option(help: "HQ's private key (PEM).") var key: String?
    @Option(help: "The CA of province certificates (PEM).") var ca: String?
    @Option(help: "Largest uncompressed upload per request, in bytes.") var maxUploadBytes: Int64?
    @Option(help: "Entries per mirror commit.") var commitEntries: Int?
    @Option(help: "Log level: trace … critical.") var logLevel: String?

    func execute() async throws {
        var flags = HQConfiguration.File()
        flags.data = data
        flags.listen = listen
        flags.cert = cert
        flags.key = key
        flags.ca = ca
        flags.maxUploadBytes = maxUploadBytes
        flags.commitEntries = commitEntries
        flags.logLevel = logLevel
        let configuration = try HQConfiguration(file: try config.map(HQConfiguration.File.load) ?? .init(), flags: flags)
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "creditsync.hq")
        let service = try HQService(configuration: configuration, logger: logger)
        let group = try HQServer.serviceGroup(service: service, logger: logger) { channel in
            logger.notice("HQ listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? configuration.listen)"])
        }
        try await group.run()
        logger.notice("HQ stopped")
    }
}
