import GRDB

/// The schema of `hq.sqlite`, HQ's registry. Migrations are named and never edited once merged.
enum SQLiteRegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registry") { db in
            try db.execute(sql: """
                CREATE TABLE enrolment (
                    province TEXT PRIMARY KEY NOT NULL CHECK (length(province) = 6),
                    origin TEXT NOT NULL UNIQUE,
                    suite TEXT NOT NULL,
                    verifier_key TEXT NOT NULL,
                    enrolled_at INTEGER NOT NULL
                );
                CREATE TABLE sync_event (
                    id INTEGER PRIMARY KEY,
                    province TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    entries INTEGER NOT NULL DEFAULT 0,
                    bytes INTEGER NOT NULL DEFAULT 0,
                    size INTEGER,
                    detail TEXT
                );
                CREATE INDEX sync_event_by_province ON sync_event (province, kind, outcome, at);
                CREATE TABLE fork_evidence (
                    id INTEGER PRIMARY KEY,
                    province TEXT NOT NULL,
                    detected_at INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    held_checkpoint TEXT,
                    submitted_checkpoint TEXT NOT NULL,
                    proof TEXT
                );
                CREATE TRIGGER fork_evidence_kept_update BEFORE UPDATE ON fork_evidence
                BEGIN SELECT RAISE(ABORT, 'fork evidence is kept as it was recorded'); END;
                CREATE TRIGGER fork_evidence_kept_delete BEFORE DELETE ON fork_evidence
                BEGIN SELECT RAISE(ABORT, 'fork evidence is kept as it was recorded'); END;
                CREATE TABLE alarm (
                    id INTEGER PRIMARY KEY,
                    province TEXT,
                    raised_at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE TRIGGER alarm_kept_delete BEFORE DELETE ON alarm
                BEGIN SELECT RAISE(ABORT, 'alarms are kept'); END;
                """)
        }
        // Key rotation and revocation (issue "Harden HQ", item 8). The enrolment row keeps the
        // first key; every key the province's log has had lives in enrolment_key.
        migrator.registerMigration("v2-keys-and-revocations") { db in
            try db.execute(sql: """
                CREATE TABLE enrolment_key (
                    province TEXT NOT NULL REFERENCES enrolment(province),
                    verifier_key TEXT NOT NULL,
                    from_size INTEGER NOT NULL CHECK (from_size >= 0),
                    added_at INTEGER NOT NULL,
                    rotation_note TEXT,
                    PRIMARY KEY (province, verifier_key)
                ) WITHOUT ROWID;
                CREATE TRIGGER enrolment_key_kept_update BEFORE UPDATE ON enrolment_key
                BEGIN SELECT RAISE(ABORT, 'the key history is kept as recorded'); END;
                CREATE TRIGGER enrolment_key_kept_delete BEFORE DELETE ON enrolment_key
                BEGIN SELECT RAISE(ABORT, 'the key history is kept as recorded'); END;
                INSERT INTO enrolment_key (province, verifier_key, from_size, added_at, rotation_note)
                    SELECT province, verifier_key, 0, enrolled_at, NULL FROM enrolment;

                CREATE TABLE revocation (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('certificate', 'log_key')),
                    value TEXT NOT NULL,
                    province TEXT,
                    reason TEXT NOT NULL,
                    revoked_at INTEGER NOT NULL,
                    UNIQUE (kind, value)
                );
                CREATE TRIGGER revocation_kept_update BEFORE UPDATE ON revocation
                BEGIN SELECT RAISE(ABORT, 'revocations are kept'); END;
                CREATE TRIGGER revocation_kept_delete BEFORE DELETE ON revocation
                BEGIN SELECT RAISE(ABORT, 'revocations are kept'); END;
                """)
        }
        // Audits kept for the trend and for anyone rerunning one (issue "HQ reconciliation audit").
        migrator.registerMigration("v3-audits") { db in
            try db.execute(sql: """
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    province TEXT NOT NULL,
                    month TEXT NOT NULL CHECK (length(month) = 7),
                    created_at INTEGER NOT NULL,
                    mirror_size INTEGER NOT NULL,
                    mirror_root TEXT NOT NULL,
                    register_size INTEGER NOT NULL,
                    rules_version TEXT NOT NULL,
                    rules_sha256 TEXT NOT NULL,
                    summary TEXT NOT NULL
                );
                CREATE INDEX audit_by_month ON audit (month, province, id);
                CREATE TRIGGER audit_kept_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'audits are kept as run'); END;
                """)
        }
        // Central risk items that cannot be routed yet (issue 26, item 2): held, never dropped.
        migrator.registerMigration("v4-held-risk") { db in
            try db.execute(sql: """
                CREATE TABLE held_risk (
                    change_id TEXT PRIMARY KEY NOT NULL,
                    uscc TEXT NOT NULL,
                    code TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    held_at INTEGER NOT NULL,
                    record BLOB NOT NULL CHECK (length(record) BETWEEN 2 AND 65535)
                ) WITHOUT ROWID;
                CREATE INDEX held_risk_by_age ON held_risk (held_at);
                """)
        }
        // The intake log (issue 26, item 3): the held queue names each item's intake entry, and
        // routed items are placed, so a move can take them back out of their feed.
        migrator.registerMigration("v5-risk-placement") { db in
            try db.execute(sql: """
                ALTER TABLE held_risk ADD COLUMN intake_index INTEGER CHECK (intake_index >= 0);
                CREATE TABLE risk_placement (
                    change_id TEXT PRIMARY KEY NOT NULL,
                    uscc TEXT NOT NULL,
                    province TEXT NOT NULL,
                    intake_index INTEGER NOT NULL CHECK (intake_index >= 0),
                    placed_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE intake_applied (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    size INTEGER NOT NULL CHECK (size >= 0)
                );
                """)
        }
        // On-site inspection results (issue 27, item 5): the bureau's findings, kept as recorded.
        migrator.registerMigration("v6-inspections") { db in
            try db.execute(sql: """
                CREATE TABLE inspection (
                    inspection_id TEXT PRIMARY KEY NOT NULL,
                    province TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    tree_size INTEGER NOT NULL CHECK (tree_size >= 0),
                    root TEXT NOT NULL,
                    bundle_sha256 TEXT NOT NULL CHECK (length(bundle_sha256) = 64),
                    compared_on TEXT NOT NULL CHECK (length(compared_on) = 10),
                    recorded_at INTEGER NOT NULL,
                    rules_version TEXT NOT NULL,
                    rules_sha256 TEXT NOT NULL,
                    result TEXT NOT NULL,
                    finding_count INTEGER NOT NULL CHECK (finding_count >= 0),
                    findings TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX inspection_by_province ON inspection (province, recorded_at);
                CREATE TRIGGER inspection_kept_update BEFORE UPDATE ON inspection
                BEGIN SELECT RAISE(ABORT, 'inspection results are kept as recorded'); END;
                CREATE TRIGGER inspection_kept_delete BEFORE DELETE ON inspection
                BEGIN SELECT RAISE(ABORT, 'inspection results are kept as recorded'); END;
                """)
        }
        return migrator
    }
}
