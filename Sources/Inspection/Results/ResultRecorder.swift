public import Foundation
public import HQStorage
public import LedgerCore
public import Quality

/// `creditsync inspect record`: keeps a signed result at HQ as findings of the inspected
/// province. The result must verify with HQ's own inspection key, name the bundle given by its
/// SHA-256, and that bundle must verify against HQ's own enrolment; the bundle's copies of the
/// central register must be HQ's register's at the size they name, and the rules must be the ones
/// the notice fixed. Nothing is appended to any ledger (DESIGN §9).
public struct ResultRecorder: Sendable {
    public struct Outcome: Sendable {
        public var inspection: StoredInspection
        public var findings: BureauFindings
        /// False when this very result was recorded before.
        public var recorded: Bool
    }

    public let inspectionKey: String
    public let trust: InspectionTrust
    public let rules: QualityRules
    public let resolve: @Sendable (SuiteID) -> Suite
    public let cosigners: CosignerResolver
    /// HQ's central register, against which the bundle's `central` copies are read again.
    public let register: (any RegisterStore)?

    public init(inspectionKey: String, trust: InspectionTrust, rules: QualityRules, resolve: @escaping @Sendable (SuiteID) -> Suite,
                cosigners: @escaping CosignerResolver, register: (any RegisterStore)?) {
        self.register = register
        self.inspectionKey = inspectionKey
        self.trust = trust
        self.rules = rules
        self.resolve = resolve
        self.cosigners = cosigners
    }

    public func record(result bytes: [UInt8], bundle url: URL, into store: any AuditStore, now: Date) async throws -> Outcome {
        let document = try SignedResult.verify(bytes, inspectionKey: inspectionKey)
        // The hash of the very bytes verified, not of a separate read.
        let bundle = try BundleVerifier.verify(url, trust: trust, resolve: resolve, cosigners: cosigners)
        guard bundle.fileSHA256 == document.bundleSHA256 else {
            throw InspectionError(.result, "the result is of another bundle: it names SHA-256 \(document.bundleSHA256), \(url.lastPathComponent) has \(bundle.fileSHA256)",
                                  hint: "give the bundle this result compared")
        }
        guard bundle.plan.inspectionID == document.inspectionID, bundle.checkpoint.checkpoint.origin == document.origin,
              bundle.checkpoint.size == document.treeSize, bundle.checkpoint.root.base64 == document.root else {
            throw InspectionError(.result, "the result's inspection, origin or checkpoint is not its bundle's", hint: "the result was not made from this bundle")
        }
        guard let province = trust.province(origin: document.origin)?.province else {
            throw InspectionError(.trust, "\(document.origin) is not enrolled at HQ", hint: "only an enrolled province's inspection is recorded")
        }
        let notice = bundle.plan.notice
        guard rules.sha256 == notice.rulesSHA256 else {
            throw InspectionError(.result, "the notice fixed rules \(notice.rulesVersion) (SHA-256 \(notice.rulesSHA256.prefix(16))…); these are \(rules.version) (\(rules.sha256.prefix(16))…)",
                                  hint: "record under the rules the inspection was announced with: --rules FILE of that hash")
        }
        try await checkCentral(bundle, province: province)
        let findings = BureauFindings(document, rules: rules)
        let stored = StoredInspection(inspectionID: document.inspectionID, province: province, origin: document.origin, treeSize: document.treeSize,
                                      root: document.root, bundleSHA256: document.bundleSHA256, comparedOn: document.comparedOn,
                                      recordedAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
                                      rulesVersion: rules.version, rulesSHA256: rules.sha256,
                                      result: String(decoding: bytes.last == 0x0A ? Array(bytes.dropLast()) : bytes, as: UTF8.self),
                                      findingCount: findings.findings.count, findings: String(decoding: CanonicalJSON.encode(findings.json), as: UTF8.self))
        let recorded = try await store.recordInspection(stored)
        return Outcome(inspection: stored, findings: findings, recorded: recorded)
    }

    /// The central register's copies in the bundle are HQ's register's at the size the bundle
    /// names: the bundle's trailing digest is not a signature, so they are read again.
    func checkCentral(_ bundle: VerifiedBundle, province: String) async throws {
        guard let register else {
            throw InspectionError(.result, "no central register is at hand to check the bundle's copies against", hint: "record at HQ")
        }
        let held = try await register.size(province: province)
        guard let size = bundle.registerSize else {
            // Without it the first comparison was skipped: only where HQ has no register of the province.
            guard held == 0 else {
                throw InspectionError(.result, "the bundle holds no copy of the central register, and HQ holds a register of \(province): the central–local comparison was left out",
                                      hint: "bundle at HQ (`inspect bundle --data|--database`), compare and record again")
            }
            return
        }
        let keys = Set(bundle.records.map { RecordKey.bytes($0.category, $0.id) })
        guard size <= held else {
            throw InspectionError(.result, "the bundle names central register size \(size) of \(province); HQ's register holds less", hint: "the bundle was not made at this HQ")
        }
        let copies = try await CentralRegister.records(register, province: province, size: size, keys: keys)
        for record in bundle.records where copies[RecordKey.bytes(record.category, record.id)] != record.central {
            throw InspectionError(.result, "the bundle's copy of the central register's \(record.category) \(record.id) is not HQ's register's at size \(size): the bundle was edited",
                                  hint: "do not record this result; bundle again at HQ")
        }
    }
}
