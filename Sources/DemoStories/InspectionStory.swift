import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import Inspection
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Quality
import Reports

/// The inspection story: HQ's inspector draws a sample of Guangdong's entities nobody could
/// choose, takes it offline, checks it against HQ's exported keys, compares it with the archive
/// and records the signed result at HQ as findings of Guangdong's bureau.
struct InspectionStory {
    let root: URL
    let reports: URL
    let narrator: Narrator
    static let inspectionID = "2026-HQ-INSP-017"

    func run(firstStep: Int) async throws {
        let ledger = try await ProvinceLedger.open(directory: root.appendingPathComponent("440000"))
        // What HQ exports for inspectors (`hq keys export`): the only keys the bundle is verified against.
        let hq = try await HQData.open(.directory(root.appendingPathComponent("hq")))
        let trust = InspectionTrust(enrolments: try await hq.registry.enrolments(),
                                    cosignerKeys: SuiteID.allCases.map { hq.keys.cosignerKey(for: $0) }, now: Date())
        try await hq.storage.close()
        // Sample at the newest checkpoint HQ has cosigned: its receipt travels in the bundle.
        guard let receipt = try await ledger.store.receipts().first, let checkpoint = try await ledger.store.checkpoint(size: receipt.size) else {
            throw InspectionError(.checkpoint, "Guangdong holds no HQ receipt", hint: "the sync story should have run first")
        }
        let log = LedgerLog(store: ledger.store)
        narrator.step(firstStep, zh: "总局检查员在广东省检查点 \(checkpoint.size) 上按风险分类抽取 5 户企业（A=1,B=2,C=4,D=8）",
                      en: "HQ's inspector samples 5 of Guangdong's entities at checkpoint \(checkpoint.size), weighted by risk class (A=1,B=2,C=4,D=8)")
        let plan = try await Planner.plan(log: log, checkpointText: checkpoint.text, inspectionID: Self.inspectionID, sampleSize: 5, weights: .standard)
        narrator.say(zh: "种子 = SHA-256(检查点 ‖ 任务编号 \(Self.inspectionID))：省里和总局都无法事先挑选；任何人可重算",
                     en: "seed = SHA-256(checkpoint ‖ inspection id \(Self.inspectionID)): neither the province nor HQ can choose it; anyone can recompute it")
        narrator.say(zh: "企业总数 \(plan.population)（A \(plan.populationByClass["A"] ?? 0) · B \(plan.populationByClass["B"] ?? 0) · C \(plan.populationByClass["C"] ?? 0) · D \(plan.populationByClass["D"] ?? 0)）",
                     en: "population \(plan.population) (A \(plan.populationByClass["A"] ?? 0) · B \(plan.populationByClass["B"] ?? 0) · C \(plan.populationByClass["C"] ?? 0) · D \(plan.populationByClass["D"] ?? 0))")
        for entity in plan.sample { narrator.show("\(entity.rank). \(entity.uscc) \(entity.name) [\(entity.riskClass)]") }

        narrator.step(firstStep + 1, zh: "生成离线核查包：抽中企业的现行记录 + 包含证明（C2SP tlog-proof）+ 签名检查点 + 总局回执 + 截至检查点的全部日志",
                      en: "Write the offline bundle: the sampled entities' current records with inclusion proofs (C2SP tlog-proof), the signed checkpoint, HQ's receipt and the log up to it")
        let directory = root.appendingPathComponent("inspection")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(CanonicalJSON.encode(trust.json) + [0x0A]).write(to: directory.appendingPathComponent("trust.json"))
        try Data(plan.canonicalBytes + [0x0A]).write(to: directory.appendingPathComponent("plan.json"))
        let bundleURL = directory.appendingPathComponent("\(Self.inspectionID).bundle")
        let summary = try await BundleWriter.write(plan: plan, log: log, hqKeys: trust.cosignerKeys, cosigners: Cosignatures.verifier(forKey:), to: bundleURL)
        narrator.say(zh: "\(summary.records) 条记录，\(summary.entries) 条日志，\(summary.receipts) 个总局回执，\(summary.bytes) 字节：\(bundleURL.path)",
                     en: "\(summary.records) records, \(summary.entries) log entries, \(summary.receipts) HQ receipt(s), \(summary.bytes) bytes: \(bundleURL.path)")

        narrator.step(firstStep + 2, zh: "现场离线验证核查包（无需网络）；改动其中任何一个字节都会被发现",
                      en: "Verify the bundle on site, offline; a change to any byte of it is caught")
        let bundle = try BundleVerifier.verify(bundleURL, trust: trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
        narrator.say(zh: "只信任总局导出的密钥（trust.json）：日志密钥 \(bundle.logKeys.joined(separator: ", "))；总局回执密钥 \(bundle.receipts.joined(separator: ", "))",
                     en: "trusting only the keys HQ exported (trust.json): log key \(bundle.logKeys.joined(separator: ", ")); HQ receipt key \(bundle.receipts.joined(separator: ", "))")
        narrator.say(zh: "通过：检查点签名、总局回执、\(bundle.records.count) 个包含证明、日志根哈希、重算的抽样名单全部一致",
                     en: "ok: checkpoint signature, HQ receipt, \(bundle.records.count) inclusion proofs, the log's root and the redrawn sample all agree")
        var damaged = try Data(contentsOf: bundleURL)
        damaged[damaged.count / 2] ^= 0x01
        let damagedURL = directory.appendingPathComponent("damaged.bundle")
        try damaged.write(to: damagedURL)
        do {
            _ = try BundleVerifier.verify(damagedURL, trust: trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
            throw InspectionError(.verification, "a damaged bundle verified", hint: "report this as a bug")
        } catch let error as InspectionError where error.codeValue == .verification {
            narrator.say(zh: "改动一个字节的副本被拒绝：\(error.message)", en: "a copy with one byte changed is refused: \(error.message)")
        }

        narrator.step(firstStep + 3, zh: "与地方档案比对：检查员记录的档案所见（CSV 模板，Excel 可编辑）",
                      en: "Compare with the local archive: what the inspector saw in the files (the CSV template, editable in Excel)")
        let archiveURL = directory.appendingPathComponent("archive.csv")
        try Data(archive(bundle).utf8).write(to: archiveURL)
        let findings = try ArchiveCSV(bytes: Array(try Data(contentsOf: archiveURL)))
        let comparison = ArchiveComparison(bundle: bundle, archive: findings)
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: SHA256Algorithm().hash(Array(try Data(contentsOf: bundleURL))).hex,
                                          comparison: comparison, comparedOn: ChinaDay.of(Date()))
        let output = reports.appendingPathComponent("inspection")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let report = ComparisonReport(document: document, language: narrator.language == .zh ? .chinese : .english)
        try Data(report.csv()).write(to: output.appendingPathComponent("comparison.csv"))
        try Data(report.html().utf8).write(to: output.appendingPathComponent("report.html"))
        let totals = ArchiveComparison.Kind.allCases.map { "\($0.rawValue) \(comparison.count($0))" }.joined(separator: ", ")
        narrator.say(zh: "结果：\(totals)", en: "results: \(totals)")
        for row in comparison.rows where row.kind == .differs || row.kind == .archiveOnly {
            narrator.show(narrator.language == .zh
                ? "\(row.kind.rawValue): \(row.category) \(row.recordID) \(row.field) 系统「\(row.systemValue)」档案「\(row.archiveValue)」"
                : "\(row.kind.rawValue): \(row.category) \(row.recordID) \(row.field): system \"\(row.systemValue)\", archive \"\(row.archiveValue)\"")
        }
        narrator.say(zh: "比对报告：file://\(output.appendingPathComponent("report.html").path)",
                     en: "comparison report: file://\(output.appendingPathComponent("report.html").path)")

        narrator.step(firstStep + 4, zh: "检查结果由总局检查密钥签名，在总局登记为广东省（被检查的省局）的问题，不写入任何企业名下",
                      en: "The result, signed with HQ's inspection key, is recorded at HQ as findings of Guangdong's bureau, never against an enterprise")
        let hqData = try await HQData.open(.directory(root.appendingPathComponent("hq")))
        let signed = try SignedResult.sign(document, with: hqData.keys.inspection)
        try Data(signed + [0x0A]).write(to: output.appendingPathComponent("comparison.json"))
        let recorder = ResultRecorder(inspectionKey: hqData.keys.inspection.verifierKey, trust: trust, rules: try QualityRules.bundled(),
                                      resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
        let outcome = try await recorder.record(result: signed, bundle: bundleURL, into: hqData.storage.audits, now: Date())
        try await hqData.storage.close()
        narrator.say(zh: "登记检查 \(outcome.inspection.inspectionID)：广东省问题 \(outcome.inspection.findingCount) 条（规则版本 \(outcome.inspection.rulesVersion)），计入对该省的评价",
                     en: "recorded inspection \(outcome.inspection.inspectionID): \(outcome.inspection.findingCount) findings of Guangdong (rules \(outcome.inspection.rulesVersion)), counted in its evaluation")
        for (rule, count) in Dictionary(grouping: outcome.findings.findings, by: { $0.rule }).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            narrator.show("\(rule): \(count)")
        }
        var edited = signed
        if let at = edited.firstIndex(of: UInt8(ascii: "9")) { edited[at] = UInt8(ascii: "8") }
        do {
            _ = try SignedResult.verify(edited, inspectionKey: hqData.keys.inspection.verifierKey)
            throw InspectionError(.result, "an edited result verified", hint: "report this as a bug")
        } catch let error as InspectionError where error.codeValue == .result {
            narrator.say(zh: "改动过的结果被拒绝：\(error.message)", en: "an edited result is refused: \(error.message)")
        }
    }

    /// What the inspector saw: every current record in the files, one amount or name written
    /// differently in the archive, and one decision the system does not hold.
    func archive(_ bundle: VerifiedBundle) -> String {
        var text = "\u{FEFF}category,record_id,field,value_seen,note\r\n"
        var changed = false
        for record in bundle.records where record.value["op"]?.stringValue == ChangeRecord.Operation.upsert.rawValue {
            let name = record.value["entity"]?["name"]?.stringValue ?? ""
            if !changed, record.category == "registration", let legal = record.value["fields"]?["legal_rep"]?.stringValue {
                text += "registration,\(record.id),legal_rep,\(legal)（已变更）,档案载明法定代表人已变更\r\n"
                changed = true
            } else {
                text += "\(record.category),\(record.id),entity.name,\(name),\r\n"
            }
        }
        text += "admin_penalty,PEN-440000-9999999,decision_no,粤市监罚〔2026〕999号,档案有处罚决定书，系统未见\r\n"
        return text
    }
}
