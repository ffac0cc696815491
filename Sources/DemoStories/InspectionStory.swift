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
import Synthetic

/// The inspection story (DESIGN §9): HQ announces an inspection of Guangdong's bureau in its feed
/// (strata and a commitment to a secret), the province acknowledges it at its daily sync, the
/// sample of the bureau's records is drawn at the first checkpoint HQ cosigns after, the bundle is
/// verified offline against HQ's exported keys, compared three ways plus the checklist, and the
/// signed result becomes findings of Guangdong's bureau at HQ.
struct InspectionStory {
    let root: URL
    let reports: URL
    let narrator: Narrator
    static let inspectionID = "2026-HQ-INSP-017"

    func run(firstStep: Int) async throws {
        let ledger = try await ProvinceLedger.open(directory: root.appendingPathComponent("440000"))
        let data = try await HQData.open(.directory(root.appendingPathComponent("hq")))
        let directory = root.appendingPathComponent("inspection")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rules = try QualityRules.bundled()

        narrator.step(firstStep, zh: "总局先行公告检查（写入广东省推送日志并签名）：按类别分层的抽样数量（四大类加权）、规则版本，以及对一个秘密值的承诺",
                      en: "HQ announces the inspection first, in Guangdong's signed feed: strata by category (the four key categories weigh most), the rules version, and a commitment to a secret")
        let secretURL = directory.appendingPathComponent("\(Self.inspectionID).secret")
        let secret = Announcement.newSecret()
        try? FileManager.default.removeItem(at: secretURL)
        try Announcement.writeSecret(secret, to: secretURL)
        let today = ChinaDay.of(Date())
        let notice = try InspectionNotice(inspectionID: Self.inspectionID, province: "440000", strata: Announcement.defaultStrata(rules: rules, size: 24),
                                          fixedClaims: [], scopeFrom: Announcement.scopeFrom(rules: rules, day: today), rulesVersion: rules.version,
                                          rulesSHA256: rules.sha256, commitment: InspectionNotice.commitment(secret: secret), announcedOn: today)
        let feed = try await data.feed(province: "440000")
        let index = try await Announcement.append(notice, to: feed, signer: try data.keys.feedSigner(province: "440000", suite: .sha256Ed25519), now: Date())
        narrator.say(zh: "推送日志第 \(index) 条；分层 \(notice.strata.map { "\($0.name)=\($0.count)" }.joined(separator: ","))；范围：\(notice.scopeFrom) 起（近三年）；承诺 \(notice.commitment.prefix(16))…",
                     en: "feed entry \(index); strata \(notice.strata.map { "\($0.name)=\($0.count)" }.joined(separator: ",")); in scope from \(notice.scopeFrom) (three years); commitment \(notice.commitment.prefix(16))…")

        narrator.step(firstStep + 1, zh: "广东省日常同步：收到公告，在本省签名日志中写入确认记录并附一个本省随机数（抽样种子中省里的一份），上传后总局出具回执",
                      en: "Guangdong's daily sync: it receives the notice, acknowledges it in its own signed log with a random nonce (the province's share of the seed), and HQ receipts the upload")
        let hq = try await DemoHQ.start(root: root, data: data)
        defer { hq.server.cancel() }
        let synced = try await DailySync(client: try hq.client("440000", feed: true)).run(ledger.store, signer: ledger.signer)
        try await hq.stop()
        narrator.say(zh: "应用 \(synced.feed?.applied ?? 0) 条推送，推送游标 \(synced.feed?.cursor ?? 0)；本省日志已上传并获总局回执",
                     en: "applied \(synced.feed?.applied ?? 0) feed entries, feed cursor \(synced.feed?.cursor ?? 0); the province's log went up and HQ receipted it")

        narrator.step(firstStep + 2, zh: "总局在省里的确认记录处抽样并公开秘密值：种子 = SHA-256(公告 ‖ 秘密值 ‖ 确认处的日志根)；抽样点由省里日志内容决定，总局无法挑选，省里不知秘密值也无法操纵",
                      en: "HQ draws at the province's acknowledgement and reveals the secret: seed = SHA-256(notice ‖ secret ‖ the log's root there); the point is fixed by the province's log, so HQ cannot choose it, and the province cannot steer without the secret")
        let mirror = try await data.storage.mirror(province: "440000")
        guard let enrolment = try await data.registry.enrolment(province: "440000") else {
            throw DemoError(.unexpected, "Guangdong is not enrolled")
        }
        let log = MirrorLog(mirror: mirror, keys: try enrolment.keyHistory(suite: mirror.suite), province: "440000", register: data.storage.register)
        let plan = try await Planner.plan(inspectionID: Self.inspectionID, secret: secret, feed: feed, log: log, receipts: try await mirror.receipts(size: nil))
        let total = plan.population.values.reduce(0, +)
        narrator.say(zh: "确认记录位于日志第 \(plan.point.size - 1) 条；从其之前近三年的 \(total) 条现行记录中抽取 \(plan.sample.count) 条",
                     en: "the acknowledgement is entry \(plan.point.size - 1) of the log; \(plan.sample.count) of the \(total) current records of the last three years before it")
        for item in plan.sample.prefix(8) { narrator.show("\(item.stratum) \(item.rank). \(item.category) \(item.id) \(item.name)") }
        if plan.sample.count > 8 { narrator.show("…") }

        narrator.step(firstStep + 3, zh: "生成离线核查包（抽中记录 + 包含证明 + 总局登记库中的同一记录 + 截至检查点的全部日志），现场只信任总局导出的密钥离线验证",
                      en: "Write the offline bundle (the sampled records with proofs, the central register's copy of each, the log up to the checkpoint) and verify it on site against HQ's exported keys only")
        let trust = try InspectionTrust(enrolments: try await data.registry.enrolments(), cosignerKeys: SuiteID.allCases.map { data.keys.cosignerKey(for: $0) },
                                        feedKey: { try data.keys.feedVerifierKey(province: $0, suite: $1) }, now: Date())
        try Data(CanonicalJSON.encode(trust.json) + [0x0A]).write(to: directory.appendingPathComponent("trust.json"))
        try Data(plan.canonicalBytes + [0x0A]).write(to: directory.appendingPathComponent("plan.json"))
        let bundleURL = directory.appendingPathComponent("\(Self.inspectionID).bundle")
        try? FileManager.default.removeItem(at: bundleURL)
        let summary = try await BundleWriter.write(plan: plan, log: log, hqKeys: trust.cosignerKeys, cosigners: Cosignatures.verifier(forKey:), to: bundleURL)
        narrator.say(zh: "\(summary.records) 条记录，\(summary.entries) 条日志，\(summary.receipts) 个总局回执，\(summary.bytes) 字节：\(bundleURL.path)",
                     en: "\(summary.records) records, \(summary.entries) log entries, \(summary.receipts) HQ receipt(s), \(summary.bytes) bytes: \(bundleURL.path)")
        let bundle = try BundleVerifier.verify(bundleURL, trust: trust, resolve: Suites.named, cosigners: Cosignatures.verifier(forKey:))
        narrator.say(zh: "通过：日志密钥 \(bundle.logKeys.joined(separator: ", "))；总局回执密钥 \(bundle.receipts.joined(separator: ", "))；公告在总局推送日志中、省里在第 \(bundle.point.size - 1) 条确认；秘密值与承诺一致；重算的抽样名单一致",
                     en: "ok: log key \(bundle.logKeys.joined(separator: ", ")); HQ receipt key \(bundle.receipts.joined(separator: ", ")); the notice is in HQ's feed and the province acknowledged it at entry \(bundle.point.size - 1); the secret matches the commitment; the redrawn sample is the same")
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

        narrator.step(firstStep + 4, zh: "三方比对：总局系统与地方系统、地方系统与地方档案（档案所见 CSV）、地方档案与实际情况（现场核实 CSV），以及工作机制与数据应用检查清单",
                      en: "Three comparisons: central vs local system, system vs archive (the archive CSV), archive vs reality (the on-site CSV), plus the checklist of working mechanisms and data use")
        let archiveURL = directory.appendingPathComponent("archive.csv")
        try Data(archive(bundle).utf8).write(to: archiveURL)
        try Data(onsite(bundle).utf8).write(to: directory.appendingPathComponent("onsite.csv"))
        let checklist = try Checklist.bundled()
        let answersText = "\u{FEFF}item,answer,note\r\n" + checklist.items.enumerated().map { offset, item in
            offset == 1 ? "\(item.id),否,整改方案未明确责任人" : "\(item.id),是,"
        }.joined(separator: "\r\n") + "\r\n"
        try Data(answersText.utf8).write(to: directory.appendingPathComponent("checklist.csv"))
        let comparison = try InspectionComparison(bundle: bundle, archive: try ArchiveCSV(bytes: Array(try Data(contentsOf: archiveURL))),
                                              onsite: try OnsiteCSV(bytes: Array(try Data(contentsOf: directory.appendingPathComponent("onsite.csv")))))
        let answers = try checklist.answers(Array(answersText.utf8)).answers
        let document = ComparisonDocument(bundle: bundle, bundleSHA256: bundle.fileSHA256, comparison: comparison,
                                          checklist: answers, comparedOn: ChinaDay.of(Date()))
        let output = reports.appendingPathComponent("inspection")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let report = ComparisonReport(document: document, language: narrator.language == .zh ? .chinese : .english)
        try Data(report.csv()).write(to: output.appendingPathComponent("comparison.csv"))
        try Data(report.html().utf8).write(to: output.appendingPathComponent("report.html"))
        let totals = InspectionComparison.Kind.allCases.filter { comparison.count($0) > 0 }.map { "\($0.rawValue) \(comparison.count($0))" }.joined(separator: ", ")
        narrator.say(zh: "结果：\(totals)", en: "results: \(totals)")
        for row in comparison.rows where [.differs, .archiveOnly, .centralDiffers, .centralMissing, .realityDiffers].contains(row.kind) {
            narrator.show(narrator.language == .zh
                ? "\(row.kind.rawValue): \(row.category) \(row.recordID) \(row.field) 地方「\(row.systemValue)」另一方「\(row.archiveValue)」\(row.note)"
                : "\(row.kind.rawValue): \(row.category) \(row.recordID) \(row.field): local \"\(row.systemValue)\", other \"\(row.archiveValue)\" \(row.note)")
        }
        narrator.say(zh: "比对报告：file://\(output.appendingPathComponent("report.html").path)",
                     en: "comparison report: file://\(output.appendingPathComponent("report.html").path)")

        narrator.step(firstStep + 5, zh: "检查结果由总局检查密钥签名，在总局登记为广东省（被检查的省局）的问题，不写入任何企业名下",
                      en: "The result, signed with HQ's inspection key, is recorded at HQ as findings of Guangdong's bureau, never against an enterprise")
        let signed = try SignedResult.sign(document, with: data.keys.inspection)
        try Data(signed + [0x0A]).write(to: output.appendingPathComponent("comparison.json"))
        let recorder = ResultRecorder(inspectionKey: data.keys.inspection.verifierKey, trust: trust, rules: rules, resolve: Suites.named,
                                      cosigners: Cosignatures.verifier(forKey:), register: data.storage.register)
        let outcome = try await recorder.record(result: signed, bundle: bundleURL, into: data.storage.audits, now: Date())
        try await data.storage.close()
        narrator.say(zh: "登记检查 \(outcome.inspection.inspectionID)：广东省问题 \(outcome.inspection.findingCount) 条（规则版本 \(outcome.inspection.rulesVersion)），列入该省月度问题清单，纳入半年和年度评估",
                     en: "recorded inspection \(outcome.inspection.inspectionID): \(outcome.inspection.findingCount) findings of Guangdong (rules \(outcome.inspection.rulesVersion)), listed in its monthly problem list and weighed in the half-yearly and yearly evaluation")
        for (rule, count) in Dictionary(grouping: outcome.findings.findings, by: { $0.rule }).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
            narrator.show("\(rule): \(count)")
        }
        var edited = signed
        if let at = edited.firstIndex(of: UInt8(ascii: "9")) { edited[at] = UInt8(ascii: "8") }
        do {
            _ = try SignedResult.verify(edited, inspectionKey: data.keys.inspection.verifierKey)
            throw InspectionError(.result, "an edited result verified", hint: "report this as a bug")
        } catch let error as InspectionError where error.codeValue == .result {
            narrator.say(zh: "改动过的结果被拒绝：\(error.message)", en: "an edited result is refused: \(error.message)")
        }
    }

    /// On site: every sampled record's file matched reality but one, and one could not be checked.
    func onsite(_ bundle: VerifiedBundle) -> String {
        var text = "\u{FEFF}category,record_id,finding,note\r\n"
        for (offset, record) in bundle.records.enumerated() {
            let finding = offset == 0 ? "不一致,实际经营地址与档案不符" : offset == 1 ? "无法核实,当事人已搬离，无法现场核实" : "一致,"
            text += "\(record.category),\(record.id),\(finding)\r\n"
        }
        return text
    }

    /// What the inspector saw: every sampled record in the files, one name written differently
    /// in the archive, and one decision the system does not hold.
    func archive(_ bundle: VerifiedBundle) -> String {
        var text = "\u{FEFF}category,record_id,field,value_seen,note\r\n"
        for (offset, record) in bundle.records.enumerated() {
            let name = record.value["entity"]?["name"]?.stringValue ?? ""
            if offset == bundle.records.count - 1 {
                text += "\(record.category),\(record.id),entity.name,\(name)（已更名）,档案载明企业已更名\r\n"
            } else {
                text += "\(record.category),\(record.id),entity.name,\(name),\r\n"
            }
        }
        text += "admin_penalty,PEN-440000-9999999,decision_no,粤市监罚〔2026〕999号,档案有处罚决定书，系统未见\r\n"
        return text
    }
}
