public import Foundation
public import HQStorage
import LedgerCore

extension InspectionTrust {
    /// The trust file of HQ's registry: every enrolled province's log keys (rotations included)
    /// and HQ's receipt keys (`hq keys export`).
    public init(enrolments: [Enrolment], cosignerKeys: [String], now: Date) {
        self.init(exportedAt: ISO8601DateFormatter().string(from: now), cosignerKeys: cosignerKeys, provinces: enrolments.map { enrolment in
            Province(province: enrolment.province, origin: enrolment.origin, suite: enrolment.suite,
                     logKeys: enrolment.keys.map { LogKey(verifierKey: $0.verifierKey, fromSize: $0.fromSize) })
        })
    }
}
