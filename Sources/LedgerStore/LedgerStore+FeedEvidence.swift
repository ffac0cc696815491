public import Foundation
import GRDB

/// Refused feed checkpoints on a province ledger (issue 26, item 5): when a delivery carrying a
/// checkpoint signed by HQ's feed key is refused (a rollback, a rewritten history, entries that do
/// not give its root), the signed checkpoint, its consistency proof and the checkpoint this
/// province had accepted are kept, append-only, as evidence of what HQ showed it.
extension LedgerStore {
    public struct FeedEvidence: Sendable, Equatable, Codable {
        public var origin: String
        public var detectedAt: Date
        /// The refusal's code (`feed.rollback`, `feed.history-rewritten`, …) and message.
        public var code: String
        public var reason: String
        /// HQ's signed feed checkpoint, as delivered.
        public var checkpoint: String
        public var from: UInt64
        public var size: UInt64
        /// The delivery's consistency proof, base64 hashes.
        public var consistency: [String]
        /// The feed checkpoint this province had accepted (its cursor), if any.
        public var acceptedCheckpoint: String?

        public init(origin: String, detectedAt: Date, code: String, reason: String, checkpoint: String, from: UInt64, size: UInt64,
                    consistency: [String], acceptedCheckpoint: String?) {
            self.origin = origin
            self.detectedAt = detectedAt
            self.code = code
            self.reason = reason
            self.checkpoint = checkpoint
            self.from = from
            self.size = size
            self.consistency = consistency
            self.acceptedCheckpoint = acceptedCheckpoint
        }

        enum CodingKeys: String, CodingKey {
            case origin, code, reason, checkpoint, from, size, consistency
            case detectedAt = "detected_at"
            case acceptedCheckpoint = "accepted_checkpoint"
        }
    }

    public func recordFeedEvidence(_ evidence: FeedEvidence) async throws {
        let proof = String(decoding: try JSONEncoder().encode(evidence.consistency), as: UTF8.self)
        let (from, size) = (try SQLiteInteger.from(evidence.from), try SQLiteInteger.from(evidence.size))
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO feed_evidence (origin, detected_at, code, reason, checkpoint, from_size, size, consistency, accepted_checkpoint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [evidence.origin, Int64(evidence.detectedAt.timeIntervalSince1970), evidence.code, evidence.reason, evidence.checkpoint,
                                 from, size, proof, evidence.acceptedCheckpoint])
        }
    }

    /// Every kept refusal, oldest first.
    public func feedEvidence() async throws -> [FeedEvidence] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed_evidence ORDER BY id").map { row in
                let proof: String = row["consistency"]
                return FeedEvidence(origin: row["origin"], detectedAt: Date(timeIntervalSince1970: TimeInterval(row["detected_at"] as Int64)),
                                    code: row["code"], reason: row["reason"], checkpoint: row["checkpoint"],
                                    from: try SQLiteInteger.size(row["from_size"]), size: try SQLiteInteger.size(row["size"]),
                                    consistency: (try? JSONDecoder().decode([String].self, from: Data(proof.utf8))) ?? [],
                                    acceptedCheckpoint: row["accepted_checkpoint"])
            }
        }
    }
}
