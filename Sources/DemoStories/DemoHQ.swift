import Foundation
import HQNode
import LedgerCore
import Logging
import NIOCore
import ProvinceNode
import ServiceLifecycle
import Synchronization

/// HQ serving the demo's data directory on a loopback port, and sync clients for its provinces
/// with the certificates the demo's CA issued.
struct DemoHQ {
    let root: URL
    let data: HQData
    let url: String
    let group: ServiceGroup
    let server: Task<Void, any Error>

    static func start(root: URL, data: HQData) async throws -> DemoHQ {
        var flags = HQConfiguration.File()
        flags.data = root.appendingPathComponent("hq").path
        flags.operatorListen = ""
        flags.listen = "127.0.0.1:0"
        flags.cert = root.appendingPathComponent("pki/hq/cert.pem").path
        flags.key = root.appendingPathComponent("pki/hq/key.pem").path
        flags.ca = root.appendingPathComponent("pki/ca/ca.pem").path
        var logger = Logger(label: "creditsync.demo.hq")
        logger.logLevel = .critical
        let service = HQService(configuration: try HQConfiguration(file: .init(), flags: flags), data: data, logger: logger)
        let port = Mutex<Int?>(nil)
        let group = try HQServer.serviceGroup(service: service, logger: logger, signals: []) { channel in
            port.withLock { $0 = channel.localAddress?.port }
        }
        let server = Task { try await group.run() }
        while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        return DemoHQ(root: root, data: data, url: "https://127.0.0.1:\(port.withLock { $0! })", group: group, server: server)
    }

    /// A client of `province` (with another province's certificate for the attack), trusting
    /// HQ's receipt key of `suite`, and HQ's feed key when `feed` is set.
    func client(_ province: String, certificate: String? = nil, suite: SuiteID = .sha256Ed25519, feed: Bool = false) throws -> SyncClient {
        var flags = SyncConfiguration.File()
        flags.hqURL = url
        flags.cert = root.appendingPathComponent("pki/\(certificate ?? province)/cert.pem").path
        flags.key = root.appendingPathComponent("pki/\(certificate ?? province)/key.pem").path
        flags.ca = root.appendingPathComponent("pki/ca/ca.pem").path
        flags.hqKey = data.keys.cosignerKey(for: suite)
        if feed { flags.hqFeedKey = try data.keys.feedVerifierKey(province: province, suite: suite) }
        flags.retries = 0
        var logger = Logger(label: "creditsync.demo.province")
        logger.logLevel = .critical
        return SyncClient(configuration: try SyncConfiguration(file: .init(), flags: flags), logger: logger)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await server.value
    }
}
