public import Foundation
public import HQStorage
public import LedgerCore

extension InspectionTrust {
    /// The trust file of HQ's registry: every enrolled province's log keys (rotations included)
    /// and feed key, and HQ's receipt keys (`hq keys export`). `feedKey` gives HQ's feed verifier
    /// key of a province and suite.
    public init(enrolments: [Enrolment], cosignerKeys: [String], feedKey: (String, SuiteID) throws -> String, now: Date) rethrows {
        self.init(exportedAt: ISO8601DateFormatter().string(from: now), cosignerKeys: cosignerKeys, provinces: try enrolments.map { enrolment in
            Province(province: enrolment.province, origin: enrolment.origin, suite: enrolment.suite,
                     logKeys: enrolment.keys.map { LogKey(verifierKey: $0.verifierKey, fromSize: $0.fromSize) },
                     feedKey: try feedKey(enrolment.province, enrolment.suite))
        })
    }
}
