import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import LedgerCore
import NationalCrypto
import LedgerStore
import PKI
import ProvinceNode
import SyncProtocol

/// The HQ story: a private CA, HQ, and two provinces syncing over mutual TLS on loopback.
struct SyncStory {
    let root: URL
    let narrator: Narrator
    let provinces: [ProvinceLedger]

    func run(firstStep: Int) async throws {
        var step = firstStep
        narrator.step(step, zh: "总局（HQ）建立私有 CA，签发 HQ 服务器证书与各省客户端证书（省份代码写入证书 SAN）",
                      en: "HQ sets up a private CA and issues its server certificate and each province's client certificate (province code in the SAN)")
        let ca = try CertificateAuthority.create(in: root.appendingPathComponent("pki/ca"))
        try ca.issue(.hq(["127.0.0.1"]), to: root.appendingPathComponent("pki/hq"))
        for ledger in provinces {
            try ca.issue(.province(ledger.province), to: root.appendingPathComponent("pki/\(ledger.province)"))
        }
        let hqDirectory = root.appendingPathComponent("hq")
        let data = try await HQData.initialize(.directory(hqDirectory))
        for ledger in provinces {
            let enrolment = try await data.administration.enroll(province: ledger.province, verifierKey: ledger.signer.verifierKey, now: Date())
            narrator.say(zh: "登记 \(enrolment.province)：\(enrolment.origin)（\(enrolment.suite.rawValue)）",
                         en: "enrolled \(enrolment.province): \(enrolment.origin) (\(enrolment.suite.rawValue))")
        }
        narrator.say(zh: "HQ 回执签名密钥：\(data.keys.cosigner.verifierKey)（国密省份：\(data.keys.sm2Cosigner.verifierKey)）",
                     en: "HQ receipt keys: \(data.keys.cosigner.verifierKey) (national-suite provinces: \(data.keys.sm2Cosigner.verifierKey))")

        let hq = try await DemoHQ.start(root: root, data: data)
        defer { hq.server.cancel() }
        let url = hq.url
        func client(_ province: String, certificate: String? = nil, suite: SuiteID = .sha256Ed25519) throws -> SyncClient {
            try hq.client(province, certificate: certificate, suite: suite)
        }

        step += 1
        narrator.step(step, zh: "HQ 在 \(url) 启动（TLS 1.3，必须出示客户端证书）；两省首次同步",
                      en: "HQ listens on \(url) (TLS 1.3, client certificates required); both provinces sync for the first time")
        for ledger in provinces {
            let summary = try await client(ledger.province, suite: ledger.suite.id).sync(ledger.store)
            narrator.say(zh: "\(ledger.province)：上传 \(summary.uploaded) 条，HQ 逐包验证一致性证明后入库，并返回时间戳回执",
                         en: "\(ledger.province): uploaded \(summary.uploaded); HQ verified every package against the signed checkpoint and returned a timestamped receipt")
        }

        step += 1
        let guangdong = provinces[0]
        narrator.step(step, zh: "广东新增 300 条记录后增量同步：只传新增部分", en: "Guangdong appends 300 records and syncs again: only the new ones travel")
        let more = try (0..<300).map { n -> ChangeRecord in
            try ChangeRecord(parsing: Array(#"{"v":1,"change_id":"demo-extra-\#(n)","province":"440000","category":"spot_check","id":"SPO-440000-D\#(n)","op":"upsert","entity":{"uscc":"91350100M000100Y43","name":"示例企业"},"fields":{"task_id":"SC2026D\#(n)","check_type":"双随机抽查","check_date":"2026-11-20","result":"未发现问题","authority":"广州市场监督管理局"},"occurred_at":"2026-11-20","recorded_at":"2026-11-21T09:00:00+08:00","source":{"name":"广东省市场监督管理局","uscc":"11440000KUUUN28336"},"origin":"local"}"#.utf8), province: "440000")
        }
        try await guangdong.store.append(more, signer: guangdong.signer, now: Date())
        let incremental = try await client("440000").sync(guangdong.store)
        narrator.say(zh: "上传 \(incremental.uploaded) 条；HQ 镜像大小 \(incremental.size)", en: "uploaded \(incremental.uploaded); HQ's mirror now holds \(incremental.size)")
        for receipt in try await guangdong.store.receipts() {
            narrator.show(receipt.signature.line)
        }
        let enrolment = try await data.registry.enrolment(province: "440000")
        _ = try await data.storage.mirror(province: "440000").verify(keys: try enrolment!.keyHistory(suite: guangdong.suite))
        narrator.say(zh: "✓ HQ 镜像与广东账本逐字节一致，且可独立校验", en: "✓ HQ's mirror equals Guangdong's ledger byte for byte and verifies on its own")

        step += 1
        narrator.step(step, zh: "攻击演示：上海证书试图访问广东账本；有人用广东密钥改写历史后提交",
                      en: "Attacks: Shanghai's certificate asks for Guangdong's log; someone rewrites Guangdong's history with its key and submits it")
        do {
            _ = try await client("440000", certificate: provinces[1].province).sync(guangdong.store)
        } catch let error as ProvinceNodeError {
            narrator.say(zh: "✓ 拒绝（403）：\(error.message)", en: "✓ refused (403): \(error.message)")
        }
        // The copy of Guangdong's ledger taken at 1,200 entries, continued with other records.
        let rewritten = try await ProvinceLedger.open(directory: root.appendingPathComponent("440000-at-1200"))
        try await rewritten.store.append(try (0..<2600).map { n in
            try ChangeRecord(parsing: Array(#"{"change_id":"rewrite-\#(n)","province":"440000","category":"admin_penalty","id":"R\#(n)","op":"revoke"}"#.utf8), province: "440000")
        }, signer: rewritten.signer, now: Date())
        guard let forged = try await rewritten.store.latestCheckpoint() else { throw DemoError(.unexpected, "the rewritten ledger has no checkpoint") }
        let hqState = try await client("440000").logState(province: "440000")
        let proof = try await rewritten.store.consistencyProof(from: hqState.pendingSize, to: forged.size)
        do {
            _ = try await client("440000").addCheckpoint(AddCheckpointRequest(oldSize: hqState.pendingSize, proof: proof.hashes, checkpoint: forged.text),
                                                         province: "440000")
            narrator.say(zh: "✗ HQ 接受了改写后的历史", en: "✗ HQ accepted the rewritten history")
        } catch let error as ProvinceNodeError {
            narrator.say(zh: "✓ HQ 拒绝：\(error.message)", en: "✓ HQ refused: \(error.message)")
        }
        let status = try await HQStatus.gather(data, now: Date())
        for row in status.provinces {
            narrator.say(zh: "\(row.province)：镜像 \(row.mirrorSize) 条，回执 \(row.receipts) 个，告警 \(row.alarms) 个（分叉证据已保存 \(row.forks) 份）",
                         en: "\(row.province): mirror \(row.mirrorSize), receipts \(row.receipts), alarms \(row.alarms) (fork evidence kept: \(row.forks))")
        }
        try await hq.stop()
        narrator.say(zh: "HQ 已平稳关闭", en: "HQ shut down gracefully")
    }
}

