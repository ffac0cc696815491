import ArgumentParser
import CommandSupport
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import Logging
import NationalCrypto
import NIOCore
import ServiceLifecycle

struct HQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hq",
        abstract: "The headquarters node: enrolment, the mTLS sync server, status, revocation, the central register and audits.",
        subcommands: [HQInit.self, HQEnroll.self, HQServe.self, HQStatusCommand.self, HQRevoke.self, HQDatabaseCommand.self,
                      HQRegisterCommand.self, HQAuditCommand.self, HQVerifyCommand.self, HQRiskCommand.self, HQKeysCommand.self]
    )
}

struct HQInit: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create HQ's storage (a data directory, or the schema of a PostgreSQL database) and its receipt (cosigner) key."
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "HQ's cosigner key name.")
    var name: String = HQKeys.defaultName

    func execute() async throws {
        let created = try await HQData.initialize(storage.location, keys: storage.keyDirectory, name: name)
        try await created.storage.close()
        Output.line("created HQ storage \(created.storage.location)")
        Output.line("cosigner key (give it to provinces as hq_key): \(created.keys.cosigner.verifierKey)")
        Output.line("SM2 cosigner key (hq_key of sm3-sm2 provinces): \(created.keys.sm2Cosigner.verifierKey)")
    }
}

struct HQEnroll: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enrol a province's log signing key and create its mirror, or (--rotate) enrol its new key.",
        discussion: """
            With --rotate, --checkpoint names the file `creditsync province rotate-key` wrote: the ledger's \
            checkpoint signed by the current key and the new one. HQ must already hold that checkpoint's size \
            (let the province sync first); the new key then signs every later checkpoint.
            """
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "The province's division code.")
    var province: String

    @Option(help: "The province log's verifier key string (`creditsync province key`).")
    var key: String

    @Flag(help: "Enrol a new key of an enrolled province (key rotation).")
    var rotate = false

    @Option(help: "With --rotate: the rotation checkpoint file (signed by the current and the new key).")
    var checkpoint: String?

    func execute() async throws {
        let code = try ProvinceCode(province)
        let rotation: String?
        if rotate {
            guard let checkpoint else {
                throw ValidationError("--rotate needs --checkpoint FILE (the rotation checkpoint `province rotate-key` wrote)")
            }
            do {
                rotation = try String(contentsOfFile: checkpoint, encoding: .utf8)
            } catch {
                throw HQError(.configuration, "cannot read the rotation checkpoint \(checkpoint)", hint: "pass the file `creditsync province rotate-key` wrote")
            }
        } else {
            rotation = nil
        }
        try await storage.with { data in
            if let rotation {
                let enrolment = try await data.administration.rotateKey(province: code.rawValue, verifierKey: key, rotationCheckpoint: rotation, now: Date())
                Output.line("enrolled the new key of \(enrolment.province) from size \(enrolment.keys.last?.fromSize ?? 0): \(enrolment.verifierKey)")
            } else {
                let (enrolment, released) = try await data.enroll(province: code.rawValue, verifierKey: key, now: Date())
                Output.line("enrolled \(enrolment.province): origin \(enrolment.origin), suite \(enrolment.suite.rawValue)")
                if released.released > 0 || released.stillHeld > 0 {
                    Output.line("held central risk items routed again: \(released.released) released to feeds, \(released.stillHeld) still held (`hq risk held` lists them)")
                }
                Output.line("HQ's feed key for this province (give it to the province as hq_feed_key): \(try data.keys.feedVerifierKey(province: enrolment.province, suite: enrolment.suite))")
            }
        }
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
    @Option(help: "HQ's data directory (embedded SQLite).") var data: String?
    @Option(help: "HQ's PostgreSQL database, postgres://USER@HOST:PORT/DB (instead of --data).") var database: String?
    /// The spelling `hq serve` had before every subcommand took `--database`; kept, unlisted.
    @Option(help: ArgumentHelp(visibility: .hidden)) var databaseURL: String?
    @Option(help: "Directory of HQ's keys (default: the data directory).") var keys: String?
    @Option(help: "Province listener address HOST:PORT.") var listen: String?
    @Option(help: "Operator listener address HOST:PORT (/healthz, /metrics); empty turns it off.") var operatorListen: String?
    @Option(help: "HQ's certificate chain (PEM).") var cert: String?
    @Option(help: "HQ's private key (PEM).") var key: String?
    @Option(help: "The CA of province certificates (PEM).") var ca: String?
    @Option(help: "Largest uncompressed upload per request, in bytes.") var maxUploadBytes: Int64?
    @Option(help: "Entries per mirror commit.") var commitEntries: Int?
    @Option(help: "Seconds a TLS handshake may take.") var handshakeTimeoutSeconds: Int?
    @Option(help: "Seconds a connection may stay silent.") var idleTimeoutSeconds: Int?
    @Option(help: "Seconds an upload may wait for its next bytes.") var uploadIdleTimeoutSeconds: Int?
    @Option(help: "Connections served at once.") var maxConnections: Int?
    @Option(help: "Log level: trace … critical.") var logLevel: String?

    func execute() async throws {
        var flags = HQConfiguration.File()
        flags.data = data
        if database != nil, databaseURL != nil { throw ValidationError("give --database once (--database-url is its old spelling)") }
        flags.databaseURL = database ?? databaseURL
        flags.keys = keys
        flags.listen = listen
        flags.operatorListen = operatorListen
        flags.cert = cert
        flags.key = key
        flags.ca = ca
        flags.maxUploadBytes = maxUploadBytes
        flags.commitEntries = commitEntries
        flags.handshakeTimeoutSeconds = handshakeTimeoutSeconds
        flags.idleTimeoutSeconds = idleTimeoutSeconds
        flags.uploadIdleTimeoutSeconds = uploadIdleTimeoutSeconds
        flags.maxConnections = maxConnections
        flags.logLevel = logLevel
        let configuration = try HQConfiguration(file: try config.map(HQConfiguration.File.load) ?? .init(), flags: flags)
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "creditsync.hq")
        let data = try await HQData.openForServing(configuration)
        let service = HQService(configuration: configuration, data: data, logger: logger)
        let group = try HQServer.serviceGroup(service: service, logger: logger, onServerRunning: { channel in
            logger.notice("HQ listening for provinces", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? configuration.listen)"])
        }, onOperatorRunning: { channel in
            logger.notice("HQ operator endpoints", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? configuration.operatorListen)"])
        })
        try await group.run()
        try await data.storage.close()
        logger.notice("HQ stopped")
    }
}

struct HQRevoke: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a province's TLS certificate (by serial) or its log key, effective for new requests at once.",
        discussion: """
            A revoked certificate is refused on its next request (403 hq.revoked), on every HQ process. A revoked \
            log key signs no new checkpoint HQ accepts; checkpoints HQ already holds stay valid. The province \
            recovers with a new certificate, or with `province rotate-key` and `hq enroll --rotate`.
            """
    )

    @OptionGroup var storage: HQDataOptions

    @Option(help: "Certificate serial in hex (as `openssl x509 -serial -noout` prints it).")
    var serial: String?

    @Option(help: "A province log verifier key string.")
    var key: String?

    @Option(help: "The province concerned (recorded with the revocation).")
    var province: String?

    @Option(help: "Why (recorded).")
    var reason: String

    func execute() async throws {
        guard (serial == nil) != (key == nil) else { throw ValidationError("give exactly one of --serial and --key") }
        let revocation = try await storage.with { data in
            try await data.administration.revoke(serial: serial, key: key, province: province, reason: reason, now: Date())
        }
        Output.line("revoked \(revocation.kind.rawValue) \(revocation.value)")
    }
}
