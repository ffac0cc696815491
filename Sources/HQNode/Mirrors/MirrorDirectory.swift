import Foundation
import LedgerStore
import Logging

/// Opens each enrolled province's mirror once and keeps it for the life of the process.
actor MirrorDirectory {
    let data: HQDataDirectory
    let metrics: HQMetrics
    let logger: Logger
    private var open: [String: MirrorService] = [:]

    init(data: HQDataDirectory, metrics: HQMetrics, logger: Logger) {
        self.data = data
        self.metrics = metrics
        self.logger = logger
    }

    func mirror(province: String) throws -> MirrorService {
        if let mirror = open[province] { return mirror }
        let store = try data.openMirror(province: province)
        let mirror = MirrorService(province: province, store: store, cosigner: data.cosigner, registry: data.registry, metrics: metrics, logger: logger)
        open[province] = mirror
        return mirror
    }
}
