import GRDB

/// The schema of one province's mirror file (`mirrors/<province>.sqlite`). Migrations are named
/// and never edited once merged; invariants live in the schema (append-only triggers, CHECKs).
enum SQLiteMirrorSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("mirror-v1") { db in
            try db.execute(sql: """
                CREATE TABLE mirror_meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;

                -- The province's log as it signed it. change_id is not unique here: a signed log
                -- that repeats one is mirrored as signed, and the repeat recorded below.
                -- (category, id, idx) is the state projection: the latest entry of a record among
                -- the first n entries is one index seek, at any n a checkpoint names.
                CREATE TABLE entry (
                    idx INTEGER PRIMARY KEY CHECK (idx >= 0),
                    change_id TEXT NOT NULL,
                    category TEXT NOT NULL,
                    id TEXT NOT NULL,
                    data BLOB NOT NULL CHECK (length(data) BETWEEN 2 AND 65535)
                );
                CREATE INDEX entry_by_record ON entry (category, id, idx);
                CREATE INDEX entry_by_change ON entry (change_id);
                CREATE TRIGGER entry_append_only_update BEFORE UPDATE ON entry
                BEGIN SELECT RAISE(ABORT, 'the mirror is append-only: entries cannot be updated'); END;
                CREATE TRIGGER entry_append_only_delete BEFORE DELETE ON entry
                BEGIN SELECT RAISE(ABORT, 'the mirror is append-only: entries cannot be deleted'); END;

                -- Entries repeating an earlier entry's change_id (an alarm, later an audit finding).
                CREATE TABLE duplicate_change (
                    idx INTEGER PRIMARY KEY,
                    change_id TEXT NOT NULL,
                    first_idx INTEGER NOT NULL CHECK (first_idx < idx)
                );
                CREATE TRIGGER duplicate_change_kept BEFORE UPDATE ON duplicate_change
                BEGIN SELECT RAISE(ABORT, 'duplicate records are kept'); END;

                -- Tree hashes, as tiles of height 8 (C2SP tlog-tiles layout).
                CREATE TABLE tile (
                    level INTEGER NOT NULL CHECK (level >= 0),
                    idx INTEGER NOT NULL CHECK (idx >= 0),
                    hashes BLOB NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
                    PRIMARY KEY (level, idx)
                ) WITHOUT ROWID;

                -- Checkpoints HQ accepted, as the province signed them.
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

                -- Validly signed checkpoints HQ saw and did not accept (stale, unproven): if the
                -- entries or another signed checkpoint later contradict one, that is a fork.
                CREATE TABLE seen_checkpoint (
                    size INTEGER NOT NULL CHECK (size >= 0),
                    root BLOB NOT NULL CHECK (length(root) = 32),
                    note TEXT NOT NULL,
                    seen_at INTEGER NOT NULL,
                    PRIMARY KEY (size, root)
                ) WITHOUT ROWID;

                -- HQ's receipts (cosignatures of accepted checkpoints).
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
                CREATE TRIGGER receipt_append_only_delete BEFORE DELETE ON receipt
                BEGIN SELECT RAISE(ABORT, 'receipts cannot be deleted'); END;
                """)
        }
        return migrator
    }
}
