import GRDB

/// The ledger file's schema. Migrations are named and never edited once merged; invariants live
/// in the schema itself (append-only triggers, UNIQUE change ids, contiguous indexes).
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE ledger_meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;

                -- The log: entry idx holds the canonical bytes of one change record.
                CREATE TABLE entry (
                    idx INTEGER PRIMARY KEY CHECK (idx >= 0),
                    change_id TEXT NOT NULL UNIQUE,
                    data BLOB NOT NULL CHECK (length(data) BETWEEN 2 AND 65536)
                );
                CREATE TRIGGER entry_append_only_update BEFORE UPDATE ON entry
                BEGIN SELECT RAISE(ABORT, 'the log is append-only: entries cannot be updated'); END;
                CREATE TRIGGER entry_append_only_delete BEFORE DELETE ON entry
                BEGIN SELECT RAISE(ABORT, 'the log is append-only: entries cannot be deleted'); END;
                CREATE TRIGGER entry_contiguous BEFORE INSERT ON entry
                WHEN NEW.idx IS NOT (SELECT coalesce(max(idx) + 1, 0) FROM entry)
                BEGIN SELECT RAISE(ABORT, 'entries are appended at the end of the log'); END;

                -- Stored subtree hashes, as tiles of height 8 (C2SP tlog-tiles layout): tile
                -- (level L, idx i) holds the hashes of tree level 8L, nodes [256i, 256i + n),
                -- concatenated. Only the rightmost tile of a level is partial and grows.
                CREATE TABLE tile (
                    level INTEGER NOT NULL CHECK (level >= 0),
                    idx INTEGER NOT NULL CHECK (idx >= 0),
                    hashes BLOB NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
                    PRIMARY KEY (level, idx)
                ) WITHOUT ROWID;

                -- Signed checkpoints: the log's own (province) or the province's as received (mirror).
                CREATE TABLE checkpoint (
                    size INTEGER PRIMARY KEY CHECK (size >= 0),
                    root BLOB NOT NULL CHECK (length(root) = 32),
                    note TEXT NOT NULL,
                    stored_at INTEGER NOT NULL
                );
                CREATE TRIGGER checkpoint_append_only_update BEFORE UPDATE ON checkpoint
                BEGIN SELECT RAISE(ABORT, 'checkpoints cannot be changed'); END;
                CREATE TRIGGER checkpoint_append_only_delete BEFORE DELETE ON checkpoint
                BEGIN SELECT RAISE(ABORT, 'checkpoints cannot be deleted'); END;

                -- Cosignatures of checkpoints (HQ receipts): stored by the province that received
                -- them, and by HQ's mirror that issued them.
                CREATE TABLE receipt (
                    size INTEGER NOT NULL REFERENCES checkpoint(size),
                    cosigner TEXT NOT NULL,
                    key_id INTEGER NOT NULL,
                    time INTEGER NOT NULL,
                    signature_line TEXT NOT NULL,
                    PRIMARY KEY (size, cosigner, key_id)
                );
                CREATE TRIGGER receipt_append_only_update BEFORE UPDATE ON receipt
                BEGIN SELECT RAISE(ABORT, 'receipts cannot be changed'); END;

                -- The state projection: per (category, id), the latest record's content hash.
                CREATE TABLE state (
                    category TEXT NOT NULL,
                    id TEXT NOT NULL,
                    content_hash BLOB NOT NULL CHECK (length(content_hash) = 32),
                    last_index INTEGER NOT NULL REFERENCES entry(idx),
                    revoked INTEGER NOT NULL CHECK (revoked IN (0, 1)),
                    PRIMARY KEY (category, id)
                ) WITHOUT ROWID;
                """)
        }
        // The contiguity trigger ran a max(idx) subquery per insert and cost about a third of
        // append throughput. Indexes are assigned only by LogWriter, from max(idx) + 1 read at
        // the start of each batch, and `verify` checks contiguity; UPDATE and DELETE stay refused.
        migrator.registerMigration("v2-drop-contiguity-trigger") { db in
            try db.execute(sql: "DROP TRIGGER entry_contiguous")
        }
        // Key rotation (DESIGN §4): every key the log has had, from the tree size it signs. The
        // first key is the one in ledger_meta; a ledger created before this migration gets it
        // copied here. Kept as recorded: rotating adds a row, nothing rewrites one.
        migrator.registerMigration("v3-key-history") { db in
            try db.execute(sql: """
                CREATE TABLE log_key (
                    verifier_key TEXT PRIMARY KEY NOT NULL,
                    from_size INTEGER NOT NULL CHECK (from_size >= 0),
                    added_at INTEGER NOT NULL,
                    rotation_note TEXT
                ) WITHOUT ROWID;
                CREATE TRIGGER log_key_kept_update BEFORE UPDATE ON log_key
                BEGIN SELECT RAISE(ABORT, 'the key history is kept as recorded'); END;
                CREATE TRIGGER log_key_kept_delete BEFORE DELETE ON log_key
                BEGIN SELECT RAISE(ABORT, 'the key history is kept as recorded'); END;
                INSERT INTO log_key (verifier_key, from_size, added_at, rotation_note)
                    SELECT value, 0, 0, NULL FROM ledger_meta WHERE key = 'verifier_key';
                """)
        }
        // Central risk information from HQ's feed (DESIGN §7), on province ledgers: the feed's
        // cursor (the last feed checkpoint accepted, with the right edge of its tree, so the next
        // delivery's entries are checked against its signed root without HQ's tree), and what
        // was applied. Both change only in the transaction that also appends the province's
        // acknowledgement record, so a delivery is applied once or not at all.
        migrator.registerMigration("v4-central-risk") { db in
            try db.execute(sql: """
                CREATE TABLE feed_cursor (
                    origin TEXT PRIMARY KEY NOT NULL,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    root BLOB NOT NULL CHECK (length(root) = 32),
                    frontier BLOB NOT NULL CHECK (length(frontier) % 32 = 0),
                    note TEXT NOT NULL,
                    applied_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE central_risk (
                    origin TEXT NOT NULL,
                    feed_index INTEGER NOT NULL CHECK (feed_index >= 0),
                    feed_size INTEGER NOT NULL,
                    change_id TEXT NOT NULL,
                    uscc TEXT NOT NULL,
                    data BLOB NOT NULL,
                    applied_at INTEGER NOT NULL,
                    PRIMARY KEY (origin, feed_index)
                );
                CREATE INDEX central_risk_by_uscc ON central_risk (uscc, feed_index);
                CREATE TRIGGER central_risk_kept_update BEFORE UPDATE ON central_risk
                BEGIN SELECT RAISE(ABORT, 'central risk information is kept as delivered'); END;
                CREATE TRIGGER central_risk_kept_delete BEFORE DELETE ON central_risk
                BEGIN SELECT RAISE(ABORT, 'central risk information is kept as delivered'); END;
                """)
        }
        // Refused feed checkpoints kept as evidence (issue 26, item 5): HQ's signed checkpoint that
        // a delivery was refused over, its consistency proof, and the checkpoint this province had
        // accepted, so anyone can check the contradiction later. Kept as recorded.
        migrator.registerMigration("v5-feed-evidence") { db in
            try db.execute(sql: """
                CREATE TABLE feed_evidence (
                    id INTEGER PRIMARY KEY,
                    origin TEXT NOT NULL,
                    detected_at INTEGER NOT NULL,
                    code TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    checkpoint TEXT NOT NULL,
                    from_size INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    consistency TEXT NOT NULL,
                    accepted_checkpoint TEXT
                );
                CREATE TRIGGER feed_evidence_kept_update BEFORE UPDATE ON feed_evidence
                BEGIN SELECT RAISE(ABORT, 'feed evidence is kept as recorded'); END;
                CREATE TRIGGER feed_evidence_kept_delete BEFORE DELETE ON feed_evidence
                BEGIN SELECT RAISE(ABORT, 'feed evidence is kept as recorded'); END;
                """)
        }
        // HQ's latest view of each feed (issue 26, item 5): its latest checkpoint and HQ's
        // timestamped cosignature of it, as the last delivery carried them.
        migrator.registerMigration("v6-feed-view") { db in
            try db.execute(sql: """
                CREATE TABLE feed_view (
                    origin TEXT PRIMARY KEY NOT NULL,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    checkpoint TEXT NOT NULL,
                    cosignature TEXT NOT NULL,
                    cosigned_at INTEGER NOT NULL,
                    seen_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
