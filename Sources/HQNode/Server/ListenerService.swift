import Foundation
import LedgerCore
import NIOCore
import ServiceLifecycle

/// One of HQ's listeners as a service whose failure to bind names the setting that chose its
/// address: two `hq serve` processes on one host otherwise both take the default
/// `operator_listen` and the second dies with a bare "Address already in use".
struct ListenerService<Wrapped: Service>: Service {
    /// The configuration key of the address (`listen`, `operator_listen`).
    let setting: String
    let address: String
    let wrapped: Wrapped

    func run() async throws {
        do {
            try await wrapped.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw HQError(.configuration, "\(setting) \(address) is already in use: another process (another `hq serve` on this host?) listens there",
                          hint: "give each HQ process on a host its own \(setting) (--\(setting.replacingOccurrences(of: "_", with: "-")) HOST:PORT)"
                              + (setting == "operator_listen" ? ", or turn the operator listener off with --operator-listen ''" : ""))
        }
    }
}
