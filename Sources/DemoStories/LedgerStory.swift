import Foundation
import GRDB
import LedgerCore
import LedgerStore
import NationalCrypto
import ProvinceNode
import Quality
import Synthetic

/// The ledger story: a province ledger that anyone can check with standard tools.
struct LedgerStory {
    let root: URL
    let narrator: Narrator

    /// Returns the two province ledgers for the HQ story.
    func run() async throws -> [ProvinceLedger] {
        let tables = try DomainTables.bundled()
        var generator = RecordGenerator(province: "440000", seed: 2026, tables: tables)

        narrator.step(1, zh: "广东省（440000）创建本地账本：SQLite 文件 + Ed25519 签名密钥",
                      en: "Guangdong (440000) creates its ledger: one SQLite file and an Ed25519 signing key")
        let guangdong = try ProvinceLedger.initialize(directory: root.appendingPathComponent("440000"), province: try ProvinceCode("440000"),
                                                      origin: nil, suite: .sha256Ed25519, now: Date())
        narrator.say(zh: "验证密钥：\(guangdong.signer.verifierKey)", en: "verifier key: \(guangdong.signer.verifierKey)")

        narrator.step(2, zh: "从业务系统追加 1,200 条变更记录（统一社会信用代码均通过校验）",
                      en: "Append 1,200 change records from the business system (every USCC has valid check characters)")
        let firstBatch = (0..<1200).map { _ in generator.next() }
        let first = try await guangdong.store.append(try firstBatch.map { try ChangeRecord(parsing: $0, province: "440000") },
                                                     signer: guangdong.signer, now: Date())
        narrator.say(zh: "新增 \(first.appended) 条，签署检查点：", en: "appended \(first.appended); signed checkpoint:")
        narrator.show(first.checkpoint.text)
        // Kept for the HQ story: someone later rewrites history from this point with the same key.
        try FileManager.default.copyItem(at: guangdong.directory, to: root.appendingPathComponent("440000-at-1200"))

        narrator.step(3, zh: "再追加 800 条新记录，并重复提交上一批中的 50 条：重复的 change_id 只确认、不重复记账",
                      en: "Append 800 more, resubmitting 50 from the last batch: a known change_id is acknowledged, never duplicated")
        let secondBatch = (0..<800).map { _ in generator.next() } + firstBatch.suffix(50)
        let second = try await guangdong.store.append(try secondBatch.map { try ChangeRecord(parsing: $0, province: "440000") },
                                                      signer: guangdong.signer, now: Date())
        narrator.say(zh: "新增 \(second.appended) 条，跳过重复 \(second.duplicates) 条；检查点大小 \(second.checkpoint.size)",
                     en: "appended \(second.appended), skipped \(second.duplicates) duplicates; checkpoint size \(second.checkpoint.size)")

        narrator.step(4, zh: "证明第 1,500 条记录在账本中（RFC 9162 包含证明），并用检查点的根哈希独立验证",
                      en: "Prove entry 1,500 is in the log (RFC 9162 inclusion proof) and check it against the checkpoint root")
        let hasher = guangdong.suite.treeHasher
        let inclusion = try await guangdong.store.inclusionProof(index: 1500)
        narrator.show(inclusion.jsonText)
        try inclusion.verify(root: second.checkpoint.root, hasher: hasher)
        narrator.say(zh: "✓ 包含证明有效（\(inclusion.hashes.count) 个哈希）", en: "✓ inclusion proof verifies (\(inclusion.hashes.count) hashes)")

        narrator.step(5, zh: "证明账本只追加、未改写：从大小 1,200 到 2,000 的一致性证明",
                      en: "Prove the log was only appended to: consistency proof from size 1,200 to 2,000")
        let consistency = try await guangdong.store.consistencyProof(from: first.checkpoint.size)
        try consistency.verify(oldRoot: first.checkpoint.root, newRoot: second.checkpoint.root, hasher: hasher)
        narrator.say(zh: "✓ 一致性证明有效（\(consistency.hashes.count) 个哈希）", en: "✓ consistency proof verifies (\(consistency.hashes.count) hashes)")

        narrator.step(6, zh: "全量校验：从每条记录重新计算树、检查点、签名和状态投影",
                      en: "Full verification: recompute tree, checkpoints, signatures and state from every entry")
        let report = try await guangdong.store.verify()
        narrator.say(zh: "✓ \(report.entries) 条记录、\(report.checkpoints) 个检查点、\(report.stateItems) 个状态项全部一致",
                     en: "✓ \(report.entries) entries, \(report.checkpoints) checkpoints, \(report.stateItems) state items all consistent")

        narrator.step(7, zh: "篡改一个副本：绕过触发器，改动第 777 条记录中的一个字",
                      en: "Tamper with a copy: bypass the triggers and change one character of entry 777")
        let copy = root.appendingPathComponent("440000-tampered")
        try FileManager.default.copyItem(at: guangdong.directory, to: copy)
        let queue = try DatabaseQueue(path: copy.appendingPathComponent(LedgerStore.fileName).path)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER entry_append_only_update")
            // The province code is in every record (an entity's name need not hold 有限公司).
            try db.execute(sql: #"UPDATE entry SET data = CAST(replace(CAST(data AS TEXT), '"province":"440000"', '"province":"440001"') AS BLOB) WHERE idx = 777"#)
        }
        try queue.close()
        do {
            _ = try await ProvinceLedger.openStore(directory: copy).verify()
            narrator.say(zh: "✗ 篡改未被发现", en: "✗ tampering went unnoticed")
            throw DemoError(.unexpected, "the tampered copy verified")
        } catch let error as LedgerStoreError where error.codeValue == .corrupt {
            narrator.say(zh: "✓ 校验失败，第一个错误位置：\(error.index.map(String.init) ?? "?")——\(error.message)",
                         en: "✓ verification fails at index \(error.index.map(String.init) ?? "?"): \(error.message)")
        }

        narrator.step(8, zh: "上海市（310000）使用国密套件：SM3 默克尔树 + SM2 签名检查点",
                      en: "Shanghai (310000) uses the national suite: SM3 Merkle tree and SM2-signed checkpoints")
        var shanghaiRecords = RecordGenerator(province: "310000", seed: 2026, tables: tables)
        let shanghai = try ProvinceLedger.initialize(directory: root.appendingPathComponent("310000"), province: try ProvinceCode("310000"),
                                                     origin: nil, suite: .sm3SM2, now: Date())
        let national = try await shanghai.store.append(try (0..<500).map { _ in try ChangeRecord(parsing: shanghaiRecords.next(), province: "310000") },
                                                       signer: shanghai.signer, now: Date())
        narrator.show(national.checkpoint.text)
        let nationalProof = try await shanghai.store.inclusionProof(index: 123)
        try nationalProof.verify(root: national.checkpoint.root, hasher: shanghai.suite.treeHasher)
        _ = try await shanghai.store.verify()
        narrator.say(zh: "✓ SM2 签名、SM3 包含证明与全量校验均通过；可用 ops/verify-sm2-checkpoint.sh 以 OpenSSL 独立验证",
                     en: "✓ SM2 signature, SM3 inclusion proof and full verification pass; ops/verify-sm2-checkpoint.sh checks it with OpenSSL alone")
        return [guangdong, shanghai]
    }
}
