public import Foundation
import GRDB
public import LedgerCore
public import Mirroring

/// Central risk information on a province ledger (DESIGN §7): what HQ's feed delivered, applied
/// once, with the feed cursor and the province's signed acknowledgement in one transaction.
extension LedgerStore {
    /// One delivered record, as `province risk` lists it.
    public struct CentralRiskItem: Sendable, Equatable {
        public var origin: String
        public var feedIndex: UInt64
        public var feedSize: UInt64
        public var changeID: String
        public var entry: [UInt8]
        public var appliedAt: Date
        /// The feed entry that withdrew it (the entity moved to another province), if one did.
        public var withdrawal: Withdrawal?
    }

    /// A feed entry that took an item back (`CentralItem.withdrawal`): where, why, and where
    /// the entity lives now.
    public struct Withdrawal: Sendable, Equatable {
        public var feedIndex: UInt64
        public var entry: [UInt8]
        public var code: String
        public var reason: String
        public var to: String?
    }

    public func feedCursor(origin: String) async throws -> FeedCursor? {
        try await pool.read { db in try Self.feedCursor(origin: origin, db: db) }
    }

    static func feedCursor(origin: String, db: Database) throws -> FeedCursor? {
        guard let row = try Row.fetchOne(db, sql: "SELECT size, root, frontier, note, applied_at FROM feed_cursor WHERE origin = ?", arguments: [origin]) else {
            return nil
        }
        let root: Data = row["root"]
        let blob: Data = row["frontier"]
        let size = try SQLiteInteger.size(row["size"])
        let frontier: MerkleFrontier
        do {
            frontier = try MerkleFrontier(size: size, hashes: TileLayout.decode(blob))
        } catch {
            throw LedgerStoreError.corrupt("the stored cursor of feed \(origin) is unusable: \(error)", index: nil)
        }
        return FeedCursor(origin: origin, size: size, root: Hash(root), frontier: frontier, note: row["note"],
                          appliedAt: Date(timeIntervalSince1970: TimeInterval(row["applied_at"] as Int64)))
    }

    /// Applies a verified delivery: stores its records, moves the cursor to its checkpoint,
    /// publishes each item under its entity in this ledger (`CentralItem.publication`; a
    /// withdrawal revokes the item's publication) and appends `acknowledgement` (the province's
    /// record of the application, `origin: central`), with a new signed checkpoint, all in one
    /// transaction. Refuses with
    /// `conflictingCheckpoint` if the cursor is no longer where the delivery was verified from
    /// (another sync applied it first): nothing is applied twice. Returns the new checkpoint.
    public func applyCentralRisk(_ delivery: VerifiedFeedDelivery, acknowledgement: ChangeRecord, signer: any NoteSigner, now: Date) async throws -> VerifiedCheckpoint {
        guard acknowledgement.province == metadata.province else {
            throw LedgerStoreError(.entryRejected, "the acknowledgement is for province \(acknowledgement.province), this ledger holds \(metadata.province)",
                                   hint: "a bug: acknowledgements are written by this node")
        }
        guard delivery.records.count == delivery.usccs.count,
              delivery.checkpoint.size == delivery.fromSize + UInt64(delivery.records.count) else {
            throw LedgerStoreError(.entryRejected, "the delivery of \(delivery.origin) does not cover [\(delivery.fromSize), \(delivery.checkpoint.size))",
                                   hint: "a bug: deliveries are built by the feed verifier")
        }
        let stamp = Int64(now.timeIntervalSince1970)
        let feedSize = try SQLiteInteger.from(delivery.checkpoint.size)
        let published = UTCTimestamp.rfc3339(seconds: stamp)
        defer { checkpointer.nudge() }
        return try await pool.write { db in
            try self.requireCurrentSigner(signer, db: db)
            let cursor = try Self.feedCursor(origin: delivery.origin, db: db)?.size ?? 0
            guard cursor == delivery.fromSize else {
                throw LedgerStoreError(.conflictingCheckpoint, "feed \(delivery.origin) is at \(cursor) here, the delivery starts at \(delivery.fromSize)",
                                       hint: "another sync applied it first; sync again to continue from the stored cursor")
            }
            guard try Int64.fetchOne(db, sql: "SELECT idx FROM entry WHERE change_id = ?", arguments: [acknowledgement.changeID]) == nil else {
                throw LedgerStoreError(.entryRejected, "the acknowledgement \(acknowledgement.changeID) is already in the log",
                                       hint: "the feed cursor and the log disagree; run `creditsync province verify` and keep this ledger as evidence")
            }
            // Each item published under its entity, and each withdrawal as the item's revocation
            // (记于企业名下), in this ledger with the acknowledgement.
            var prepared: [PreparedEntry] = []
            var delivered: [String: JSONValue] = [:]
            for record in delivery.records {
                let value = try JSONParser.parse(record.canonicalBytes)
                var item: JSONValue?
                if record.category == CentralItem.withdrawalCategory, let withdrawn = value.value(at: "fields.change_id")?.stringValue {
                    item = try delivered[withdrawn] ?? Data.fetchOne(db, sql: "SELECT data FROM central_risk WHERE origin = ? AND change_id = ?",
                                                                     arguments: [delivery.origin, withdrawn]).map { try JSONParser.parse([UInt8]($0)) }
                } else {
                    delivered[record.changeID] = value
                }
                if let publication = CentralItem.publication(of: value, withdrawing: item, stamp: published) {
                    prepared.append(PreparedEntry(try ChangeRecord(value: publication, province: self.metadata.province), suite: self.suite))
                }
            }
            prepared.append(PreparedEntry(acknowledgement, suite: self.suite))
            for (offset, record) in delivery.records.enumerated() {
                try db.execute(sql: """
                    INSERT INTO central_risk (origin, feed_index, feed_size, change_id, uscc, data, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [delivery.origin, try SQLiteInteger.from(delivery.fromSize + UInt64(offset)), feedSize, record.changeID,
                                     delivery.usccs[offset], Data(record.canonicalBytes), stamp])
            }
            try db.execute(sql: """
                INSERT INTO feed_cursor (origin, size, root, frontier, note, applied_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (origin) DO UPDATE SET size = ?2, root = ?3, frontier = ?4, note = ?5, applied_at = ?6
                """, arguments: [delivery.origin, feedSize, Data(delivery.checkpoint.root.bytes), Data(TileLayout.encode(delivery.frontier.hashes)),
                                 delivery.checkpoint.text, stamp])
            var writer = try LogWriter(db: db, suite: suite)
            // An item this ledger published before (delivered again after its entity moved back)
            // is not published twice.
            _ = try writer.append(prepared, skipDuplicates: true)
            try writer.finish()
            let checkpoint = try VerifiedCheckpoint.sign(
                Checkpoint(origin: self.metadata.origin, size: writer.size, root: writer.root, suite: self.suite.id), with: signer)
            try Self.insertCheckpoint(checkpoint, db: db, now: now)
            return checkpoint
        }
    }

    /// The central risk information delivered for an entity, in feed order, each item with the
    /// withdrawal that took it back if one did (a withdrawal is applied by being stored: the item
    /// stays, as delivered, and is no longer current).
    public func centralRisk(uscc: String) async throws -> [CentralRiskItem] {
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT origin, feed_index, feed_size, change_id, data, applied_at FROM central_risk WHERE uscc = ? ORDER BY origin, feed_index
                """, arguments: [uscc]).map { row in
                let data: Data = row["data"]
                return CentralRiskItem(origin: row["origin"], feedIndex: try SQLiteInteger.size(row["feed_index"]), feedSize: try SQLiteInteger.size(row["feed_size"]),
                                       changeID: row["change_id"], entry: [UInt8](data), appliedAt: Date(timeIntervalSince1970: TimeInterval(row["applied_at"] as Int64)))
            }
        }
        var withdrawals: [String: Withdrawal] = [:]
        var items: [CentralRiskItem] = []
        for row in rows {
            let value = try? JSONParser.parse(row.entry)
            guard value?["category"]?.stringValue == CentralItem.withdrawalCategory else {
                items.append(row)
                continue
            }
            let key = "\(row.origin)\u{0}\(value?.value(at: "fields.change_id")?.stringValue ?? "")"
            withdrawals[key] = Withdrawal(feedIndex: row.feedIndex, entry: row.entry, code: value?.value(at: "fields.code")?.stringValue ?? "",
                                          reason: value?.value(at: "fields.reason")?.stringValue ?? "", to: value?.value(at: "fields.to")?.stringValue)
        }
        for index in items.indices {
            items[index].withdrawal = withdrawals["\(items[index].origin)\u{0}\(items[index].changeID)"]
        }
        return items
    }
}
