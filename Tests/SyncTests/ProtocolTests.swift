import Foundation
import Gzip
import HQNode
import LedgerCore
import Mirroring
import PKI
import ProvinceNode
import SyncProtocol
import Testing
import TestSupport
import X509

/// The pure parts of the protocol, without sockets or SQLite.
@Suite("Sync protocol pieces")
struct ProtocolTests {
    let hasher = Suite.sha256Ed25519.treeHasher

    @Test("packages are aligned at multiples of 256")
    func packagePlan() {
        #expect(Array(PackagePlan(start: 0, end: 600)) == [0..<256, 256..<512, 512..<600])
        #expect(Array(PackagePlan(start: 300, end: 1000)) == [300..<512, 512..<768, 768..<1000])
        #expect(Array(PackagePlan(start: 256, end: 512)) == [256..<512])
        #expect(Array(PackagePlan(start: 5, end: 5)).isEmpty)
    }

    @Test("add-checkpoint bodies round-trip in tlog-witness form and reject junk")
    func addCheckpointBody() throws {
        let proof = (0..<3).map { hasher.leafHash([UInt8($0)]) }
        let request = AddCheckpointRequest(oldSize: 42, proof: proof, checkpoint: "origin\n50\nAAAA\n\n— origin AAAA\n")
        #expect(request.body.hasPrefix("old 42\n\(proof[0].base64)\n"))
        #expect(try AddCheckpointRequest(parsing: request.body) == request)
        #expect(throws: SyncProtocolError.self) { try AddCheckpointRequest(parsing: "old 042\n\nx") }
        #expect(throws: SyncProtocolError.self) { try AddCheckpointRequest(parsing: "old 4\nnot-a-hash\n\nx") }
        #expect(throws: SyncProtocolError.self) { try AddCheckpointRequest(parsing: "new 4\n\nx") }
        #expect(throws: SyncProtocolError.self) { try AddCheckpointRequest(parsing: "old 4\n") }
    }

    @Test("proof lines are JSON arrays of base64 hashes")
    func proofLines() throws {
        let hashes = (0..<4).map { hasher.leafHash([UInt8($0)]) }
        #expect(try ProofLine.decode(ProofLine.encode(hashes)) == hashes)
        #expect(try ProofLine.decode(Array("[]".utf8)).isEmpty)
        for bad in ["{}", "[1]", "[\"AAAA\"]", "x", ""] {
            #expect(throws: SyncProtocolError.self) { try ProofLine.decode(Array(bad.utf8)) }
        }
    }

    /// A tree of `n` test leaves and its checkpoint.
    func tree(_ n: Int) -> (InMemoryMerkleTree, Checkpoint) {
        let tree = InMemoryMerkleTree(hasher: hasher, leafHashes: (0..<n).map { hasher.leafHash(Array("leaf \($0)".utf8)) })
        let root = try! MerkleProofs(hasher: hasher).root(size: UInt64(n), reader: tree)
        return (tree, Checkpoint(origin: "o", size: UInt64(n), root: root))
    }

    @Test("the checkpoint arbiter accepts extensions, refuses replays and conflicts, and calls a fork only on proof")
    func arbiter() throws {
        let (_, c10) = tree(10)
        let (_, c20) = self.tree(20)
        let (big, c30) = self.tree(30)
        let proofs = MerkleProofs(hasher: hasher)
        let proof10to30 = try proofs.consistencyProof(from: 10, to: 30, reader: big)
        typealias D = CheckpointArbiter.Decision
        func held(_ checkpoint: Checkpoint) -> CheckpointArbiter.Held { .init(checkpoint: checkpoint, note: checkpoint.body) }
        func decide(_ latest: Checkpoint?, old: UInt64, _ proof: [Hash], _ incoming: Checkpoint, atSize: Checkpoint? = nil,
                    seen: [Checkpoint] = [], computed: Hash? = nil) -> D {
            CheckpointArbiter.decide(.init(latest: latest.map(held), atSize: atSize.map(held), seenAtSize: seen.map(held), computedRoot: computed),
                                     oldSize: old, proof: proof, incoming: incoming, hasher: hasher)
        }
        #expect(decide(nil, old: 0, [], c10) == .accept)
        #expect(decide(nil, old: 0, proof10to30, c10) == .badRequest("the proof from size 0 must be empty"))
        #expect(decide(c10, old: 10, proof10to30, c30) == .accept)
        #expect(decide(c10, old: 10, [], c10, atSize: c10) == .alreadyKnown)
        #expect(decide(c30, old: 0, [], c10, computed: c10.root) == .stale(current: 30))
        #expect(decide(c30, old: 0, [], c10) == .stale(current: 30))
        #expect(decide(c10, old: 5, proof10to30, c30) == .conflict(current: 10))
        #expect(decide(c10, old: 40, [], c30) == .badRequest("old size 40 is larger than the checkpoint's size 30"))
        // Proof of a fork: a second signed root for a size HQ holds a checkpoint of, or has seen
        // signed, or holds the entries of (also when the submission is older than HQ's latest).
        var other10 = c10
        other10.root = c20.root
        for decision in [decide(c30, old: 30, [], other10, atSize: c10), decide(c10, old: 10, [], other10, atSize: c10),
                         decide(c30, old: 0, [], other10, computed: c10.root), decide(nil, old: 0, [], other10, seen: [c10])] {
            guard case .fork(let reason, _) = decision else { Issue.record("expected a fork, got \(decision)"); continue }
            #expect(reason.contains("tree size 10"))
        }
        // A larger checkpoint whose proof does not lead from HQ's root: unsigned data is wrong,
        // which proves nothing; refused as bad input and kept as seen.
        var other30 = c30
        other30.root = c20.root
        let decision = decide(c10, old: 10, proof10to30, other30)
        guard case .proofInvalid(let reason) = decision else { Issue.record("expected proofInvalid, got \(decision)"); return }
        #expect(reason.contains("does not verify") && decision.keepsAsSeen)
    }

    @Test("the upload decoder wants exactly the planned entries and a proof line per package")
    func uploadDecoder() throws {
        let records = try TestRecords.records(0..<3)
        var decoder = UploadDecoder(start: 0, end: 3, province: "440000")
        for record in records { #expect(try decoder.consume(record.canonicalBytes) == nil) }
        let package = try #require(try decoder.consume(Array("[]".utf8)))
        #expect(package.range == 0..<3 && package.records.count == 3 && decoder.isComplete)
        #expect(throws: SyncProtocolError.self) { try decoder.consume(records[0].canonicalBytes) }

        var early = UploadDecoder(start: 0, end: 3, province: "440000")
        _ = try early.consume(records[0].canonicalBytes)
        #expect(throws: SyncProtocolError.self) { try early.consume(Array("[]".utf8)) }  // a proof line where an entry belongs
        var foreign = UploadDecoder(start: 0, end: 3, province: "310000")
        #expect(throws: SyncProtocolError.self) { try foreign.consume(records[0].canonicalBytes) }
    }

    @Test("line splitting enforces the line limit")
    func lineSplitter() throws {
        var splitter = LineSplitter(maximumLength: 10)
        var lines: [[UInt8]] = []
        try splitter.feed(Array("abc\ndef".utf8)) { lines.append($0) }
        try splitter.feed(Array("gh\n".utf8)) { lines.append($0) }
        #expect(lines == [Array("abc".utf8), Array("defgh".utf8)])
        #expect(throws: SyncProtocolError.self) { try splitter.feed([UInt8](repeating: 0x41, count: 11)) { _ in } }
    }

    @Test("issued certificates bind the province, and keys are written 0600")
    func certificates() throws {
        let directory = try TemporaryDirectory()
        let ca = try CertificateAuthority.create(in: directory.appending("ca"))
        let province = try ca.issue(.province("440000"), to: directory.appending("p"))
        let hq = try ca.issue(.hq(["127.0.0.1", "hq.example"]), to: directory.appending("hq"))
        #expect(try ProvinceIdentity.province(of: province).get() == "440000")
        #expect(throws: ProvinceIdentity.Refusal.none) { try ProvinceIdentity.province(of: hq).get() }
        #expect(try province.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        #expect(try hq.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        let names = try #require(try hq.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("hq.example")))
        #expect(names.contains { if case .ipAddress = $0 { true } else { false } })
        for path in ["ca/ca-key.pem", "p/key.pem", "hq/key.pem"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory.appending(path).path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(path)")
        }
        #expect(try CertificateAuthority.load(from: directory.appending("ca")).certificate == ca.certificate)
        #expect(throws: PKIError.self) { try CertificateAuthority.create(in: directory.appending("ca")) }
    }

    @Test("configuration: the examples decode, missing and bad settings are named")
    func configuration() throws {
        let ops = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ops")
        let hqFile = try HQConfiguration.File.load(ops.appendingPathComponent("hq.example.json").path)
        #expect(hqFile.listen == "0.0.0.0:8443" && hqFile.commitEntries == 4096)
        let provinceFile = try SyncConfiguration.File.load(ops.appendingPathComponent("province.example.json").path)
        #expect(provinceFile.gzip == true && provinceFile.hqKey != nil)
        #expect { try HQConfiguration(file: .init(), flags: .init()) } throws: { "\($0)".contains("missing setting cert") }
        var flags = hqFile
        flags.listen = "nowhere"
        #expect { try HQConfiguration(file: .init(), flags: flags) } throws: { "\($0)".contains("listen \"nowhere\"") }
        var sync = provinceFile
        sync.hqURL = "http://hq"
        #expect { try SyncConfiguration(file: .init(), flags: sync) } throws: { "\($0)".contains("hq_url") }
    }
}
