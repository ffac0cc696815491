/// HQ's PostgreSQL schema as numbered migrations, applied in order by `PostgresMigrator` and
/// never edited once released (add a new one instead). Every per-province table is declaratively
/// list-partitioned on the province code (DESIGN §5, §10): each enrolment adds one partition per
/// table, so a province's rows stay together, and its indexes, vacuum and backups stay
/// independent. What must never change is refused by the database itself (triggers), as the
/// SQLite schema does.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    /// Tables partitioned by province; `PostgresHQStorage.enroll` creates a partition of each.
    static let partitionedTables = ["mirror_entry", "mirror_tile", "mirror_checkpoint", "mirror_seen_checkpoint",
                                    "mirror_receipt", "mirror_duplicate_change"]

    /// The register's partition of a province (created at its first import).
    static func registerPartition(province: String) -> String {
        "CREATE TABLE IF NOT EXISTS register_change_\(province) PARTITION OF register_change FOR VALUES IN ('\(province)')"
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "registry and mirrors", sql: """
            CREATE TABLE hq_meta (
                key text PRIMARY KEY,
                value text NOT NULL
            );

            -- Refuses UPDATE and DELETE (and TRUNCATE) on what is kept as recorded.
            CREATE FUNCTION creditsync_kept() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: rows are kept as recorded', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
            END $$;

            CREATE TABLE enrolment (
                province text PRIMARY KEY CHECK (province ~ '^[0-9]{6}$'),
                origin text NOT NULL UNIQUE,
                suite text NOT NULL,
                enrolled_at bigint NOT NULL
            );
            CREATE TABLE enrolment_key (
                province text NOT NULL REFERENCES enrolment (province),
                verifier_key text NOT NULL,
                from_size bigint NOT NULL CHECK (from_size >= 0),
                added_at bigint NOT NULL,
                rotation_note text,
                PRIMARY KEY (province, verifier_key)
            );
            CREATE TRIGGER enrolment_key_kept BEFORE UPDATE OR DELETE ON enrolment_key FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            CREATE TABLE sync_event (
                id bigserial PRIMARY KEY,
                province text NOT NULL,
                at bigint NOT NULL,
                kind text NOT NULL,
                outcome text NOT NULL,
                entries bigint NOT NULL DEFAULT 0,
                bytes bigint NOT NULL DEFAULT 0,
                size bigint,
                detail text
            );
            CREATE INDEX sync_event_by_province ON sync_event (province, kind, outcome, at);
            CREATE INDEX sync_event_latest ON sync_event (province, id DESC);

            CREATE TABLE fork_evidence (
                id bigserial PRIMARY KEY,
                province text NOT NULL,
                detected_at bigint NOT NULL,
                reason text NOT NULL,
                held_checkpoint text,
                submitted_checkpoint text NOT NULL,
                proof text
            );
            CREATE TRIGGER fork_evidence_kept BEFORE UPDATE OR DELETE ON fork_evidence FOR EACH ROW EXECUTE FUNCTION creditsync_kept();
            CREATE TABLE alarm (
                id bigserial PRIMARY KEY,
                province text,
                raised_at bigint NOT NULL,
                kind text NOT NULL,
                message text NOT NULL
            );
            CREATE TRIGGER alarm_kept BEFORE DELETE ON alarm FOR EACH ROW EXECUTE FUNCTION creditsync_kept();
            CREATE TABLE revocation (
                id bigserial PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('certificate', 'log_key')),
                value text NOT NULL,
                province text,
                reason text NOT NULL,
                revoked_at bigint NOT NULL,
                UNIQUE (kind, value)
            );
            CREATE TRIGGER revocation_kept BEFORE UPDATE OR DELETE ON revocation FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            -- One row per mirror: what every deciding transaction locks (SELECT … FOR UPDATE), so
            -- per-province decisions are serialized by the database across all HQ processes.
            CREATE TABLE mirror (
                province text PRIMARY KEY REFERENCES enrolment (province),
                next_entry bigint NOT NULL DEFAULT 0 CHECK (next_entry >= 0),
                latest_size bigint CHECK (latest_size >= 0)
            );

            -- The province's log as it signed it (change_id not unique: a repeat is recorded
            -- below). (province, category, id, idx) is the state projection at any size.
            CREATE TABLE mirror_entry (
                province text NOT NULL,
                idx bigint NOT NULL CHECK (idx >= 0),
                change_id text NOT NULL,
                category text NOT NULL,
                id text NOT NULL,
                data text NOT NULL CHECK (octet_length(data) BETWEEN 2 AND 65535),
                PRIMARY KEY (province, idx)
            ) PARTITION BY LIST (province);
            CREATE INDEX mirror_entry_by_record ON mirror_entry (province, category, id, idx);
            CREATE INDEX mirror_entry_by_change ON mirror_entry (province, change_id);
            CREATE TRIGGER mirror_entry_kept BEFORE UPDATE OR DELETE ON mirror_entry FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            CREATE TABLE mirror_duplicate_change (
                province text NOT NULL,
                idx bigint NOT NULL,
                change_id text NOT NULL,
                first_idx bigint NOT NULL,
                PRIMARY KEY (province, idx),
                CHECK (first_idx < idx)
            ) PARTITION BY LIST (province);
            CREATE TRIGGER mirror_duplicate_change_kept BEFORE UPDATE OR DELETE ON mirror_duplicate_change FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            -- Tree hashes as tiles of height 8 (C2SP tlog-tiles layout); the right edge grows.
            CREATE TABLE mirror_tile (
                province text NOT NULL,
                level integer NOT NULL CHECK (level >= 0),
                idx bigint NOT NULL CHECK (idx >= 0),
                hashes bytea NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
                PRIMARY KEY (province, level, idx)
            ) PARTITION BY LIST (province);

            CREATE TABLE mirror_checkpoint (
                province text NOT NULL,
                size bigint NOT NULL CHECK (size >= 0),
                root bytea NOT NULL CHECK (length(root) = 32),
                note text NOT NULL,
                stored_at bigint NOT NULL,
                PRIMARY KEY (province, size)
            ) PARTITION BY LIST (province);
            CREATE TRIGGER mirror_checkpoint_kept BEFORE UPDATE OR DELETE ON mirror_checkpoint FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            CREATE TABLE mirror_seen_checkpoint (
                province text NOT NULL,
                size bigint NOT NULL CHECK (size >= 0),
                root bytea NOT NULL CHECK (length(root) = 32),
                note text NOT NULL,
                seen_at bigint NOT NULL,
                PRIMARY KEY (province, size, root)
            ) PARTITION BY LIST (province);

            CREATE TABLE mirror_receipt (
                province text NOT NULL,
                size bigint NOT NULL,
                cosigner text NOT NULL,
                key_id bigint NOT NULL,
                time bigint NOT NULL,
                signature_line text NOT NULL,
                PRIMARY KEY (province, size, cosigner, key_id)
            ) PARTITION BY LIST (province);
            CREATE TRIGGER mirror_receipt_kept BEFORE UPDATE OR DELETE ON mirror_receipt FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            -- TRUNCATE skips row triggers: refuse it too (each partition gets its own at enrolment).
            CREATE TRIGGER mirror_entry_no_truncate BEFORE TRUNCATE ON mirror_entry FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER mirror_checkpoint_no_truncate BEFORE TRUNCATE ON mirror_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER mirror_receipt_no_truncate BEFORE TRUNCATE ON mirror_receipt FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER fork_evidence_no_truncate BEFORE TRUNCATE ON fork_evidence FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER revocation_no_truncate BEFORE TRUNCATE ON revocation FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            """),
        Migration(version: 2, name: "byte-ordered state, central register, audits", sql: """
            -- Keys compare by bytes (the order audits merge in, as SQLite's BINARY does), and the
            -- state at a size is per key the entry with the largest index below it.
            DROP INDEX mirror_entry_by_record;
            ALTER TABLE mirror_entry ALTER COLUMN category TYPE text COLLATE "C", ALTER COLUMN id TYPE text COLLATE "C";
            CREATE INDEX mirror_entry_state ON mirror_entry (province, category, id, idx DESC);

            -- The central register: each province's imported changes in order, each change_id once.
            CREATE TABLE register_change (
                province text NOT NULL CHECK (province ~ '^[0-9]{6}$'),
                seq bigint NOT NULL CHECK (seq >= 0),
                change_id text NOT NULL,
                category text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                data text NOT NULL,
                imported_at bigint NOT NULL,
                PRIMARY KEY (province, seq),
                UNIQUE (province, change_id)
            ) PARTITION BY LIST (province);
            CREATE INDEX register_state ON register_change (province, category, id, seq DESC);
            CREATE TRIGGER register_change_kept BEFORE UPDATE OR DELETE ON register_change FOR EACH ROW EXECUTE FUNCTION creditsync_kept();
            CREATE TABLE register_province (
                province text PRIMARY KEY,
                next_seq bigint NOT NULL DEFAULT 0
            );

            CREATE TABLE audit (
                id bigserial PRIMARY KEY,
                province text NOT NULL,
                month text NOT NULL CHECK (length(month) = 7),
                created_at bigint NOT NULL,
                mirror_size bigint NOT NULL,
                mirror_root text NOT NULL,
                register_size bigint NOT NULL,
                rules_version text NOT NULL,
                rules_sha256 text NOT NULL,
                summary text NOT NULL
            );
            CREATE INDEX audit_by_month ON audit (month, province, id);
            CREATE TRIGGER audit_kept BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION creditsync_kept();
            """),
        Migration(version: 3, name: "feeds", sql: """
            -- HQ's own signed log to each province (DESIGN §7). Feeds are small: plain tables keyed
            -- by province, not partitioned. The feed row is what every appending transaction locks
            -- (SELECT … FOR UPDATE); it is updated (next_entry), never deleted.
            CREATE TABLE feed (
                province text PRIMARY KEY REFERENCES enrolment (province),
                origin text NOT NULL UNIQUE,
                verifier_key text NOT NULL,
                next_entry bigint NOT NULL DEFAULT 0 CHECK (next_entry >= 0)
            );
            CREATE TRIGGER feed_kept BEFORE DELETE ON feed FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            -- Each change_id enters a feed once.
            CREATE TABLE feed_entry (
                province text NOT NULL REFERENCES feed (province),
                idx bigint NOT NULL CHECK (idx >= 0),
                change_id text NOT NULL,
                data text NOT NULL CHECK (octet_length(data) BETWEEN 2 AND 65535),
                PRIMARY KEY (province, idx),
                UNIQUE (province, change_id)
            );
            CREATE TRIGGER feed_entry_kept BEFORE UPDATE OR DELETE ON feed_entry FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            -- Tiles of height 8, as mirror_tile: the right edge is rewritten as it grows.
            CREATE TABLE feed_tile (
                province text NOT NULL REFERENCES feed (province),
                level integer NOT NULL CHECK (level >= 0),
                idx bigint NOT NULL CHECK (idx >= 0),
                hashes bytea NOT NULL CHECK (length(hashes) % 32 = 0 AND length(hashes) BETWEEN 32 AND 8192),
                PRIMARY KEY (province, level, idx)
            );

            CREATE TABLE feed_checkpoint (
                province text NOT NULL REFERENCES feed (province),
                size bigint NOT NULL CHECK (size >= 0),
                root bytea NOT NULL CHECK (length(root) = 32),
                note text NOT NULL,
                stored_at bigint NOT NULL,
                PRIMARY KEY (province, size)
            );
            CREATE TRIGGER feed_checkpoint_kept BEFORE UPDATE OR DELETE ON feed_checkpoint FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            -- The province's cosignatures: proof of delivery, only of a stored checkpoint.
            CREATE TABLE feed_cosignature (
                province text NOT NULL,
                size bigint NOT NULL,
                cosigner text NOT NULL,
                key_id bigint NOT NULL,
                time bigint NOT NULL,
                signature_line text NOT NULL,
                PRIMARY KEY (province, size, cosigner, key_id),
                FOREIGN KEY (province, size) REFERENCES feed_checkpoint (province, size)
            );
            CREATE TRIGGER feed_cosignature_kept BEFORE UPDATE OR DELETE ON feed_cosignature FOR EACH ROW EXECUTE FUNCTION creditsync_kept();

            CREATE TRIGGER feed_no_truncate BEFORE TRUNCATE ON feed FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER feed_entry_no_truncate BEFORE TRUNCATE ON feed_entry FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER feed_checkpoint_no_truncate BEFORE TRUNCATE ON feed_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();
            CREATE TRIGGER feed_cosignature_no_truncate BEFORE TRUNCATE ON feed_cosignature FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept();

            -- Routing central risk information by entity code (RegisterStore.registrations):
            -- registration records only, by the code inside them.
            CREATE INDEX register_registration_by_code ON register_change ((data::jsonb #>> '{entity,uscc}')) WHERE category = 'registration';
            """),
        Migration(version: 4, name: "held central risk items", sql: """
            -- Central risk items that cannot be routed yet (issue 26, item 2): held, never dropped.
            CREATE TABLE held_risk (
                change_id text COLLATE "C" PRIMARY KEY,
                uscc text NOT NULL,
                code text NOT NULL,
                reason text NOT NULL,
                held_at bigint NOT NULL,
                record bytea NOT NULL CHECK (length(record) BETWEEN 2 AND 65535)
            );
            CREATE INDEX held_risk_by_age ON held_risk (held_at);
            """),
        Migration(version: 5, name: "central intake log and risk placements", sql: """
            -- HQ's central intake log (issue 26, item 3) lives in the feed tables under the central
            -- division's code 100000, which no province enrols: a feed row is an enrolled
            -- province's or that one.
            ALTER TABLE feed DROP CONSTRAINT feed_province_fkey;
            CREATE FUNCTION creditsync_feed_enrolled() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.province <> '100000' AND NOT EXISTS (SELECT 1 FROM enrolment WHERE province = NEW.province) THEN
                    RAISE EXCEPTION 'province % is not enrolled: HQ keeps feeds for enrolled provinces only', NEW.province;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER feed_enrolled BEFORE INSERT OR UPDATE OF province ON feed FOR EACH ROW EXECUTE FUNCTION creditsync_feed_enrolled();

            -- The held queue names each item's intake entry, and routed items are placed, so a
            -- move can take them back out of their feed.
            ALTER TABLE held_risk ADD COLUMN intake_index bigint CHECK (intake_index >= 0);
            CREATE TABLE risk_placement (
                change_id text COLLATE "C" PRIMARY KEY,
                uscc text NOT NULL,
                province text NOT NULL,
                intake_index bigint NOT NULL CHECK (intake_index >= 0),
                placed_at bigint NOT NULL
            );
            -- The intake log's size up to which every decision has been acted on.
            CREATE TABLE intake_applied (
                id integer PRIMARY KEY CHECK (id = 1),
                size bigint NOT NULL CHECK (size >= 0)
            );
            """),
        Migration(version: 6, name: "inspection results", sql: """
            -- On-site inspection results (issue 27, item 5): the bureau's findings, kept as recorded.
            CREATE TABLE inspection (
                inspection_id text COLLATE "C" PRIMARY KEY,
                province text NOT NULL,
                origin text NOT NULL,
                tree_size bigint NOT NULL CHECK (tree_size >= 0),
                root text NOT NULL,
                bundle_sha256 text NOT NULL CHECK (length(bundle_sha256) = 64),
                compared_on text NOT NULL CHECK (length(compared_on) = 10),
                recorded_at bigint NOT NULL,
                rules_version text NOT NULL,
                rules_sha256 text NOT NULL,
                result text NOT NULL,
                finding_count integer NOT NULL CHECK (finding_count >= 0),
                findings text NOT NULL
            );
            CREATE INDEX inspection_by_province ON inspection (province, recorded_at);
            CREATE TRIGGER inspection_kept BEFORE UPDATE OR DELETE ON inspection FOR EACH ROW EXECUTE FUNCTION creditsync_kept();
            """),
        Migration(version: 7, name: "one table naming scheme: feed_receipt", sql: """
            -- One naming scheme across the drivers (issue 24): a PostgreSQL table is its role's
            -- prefix and the SQLite table of that role (mirror_entry ~ entry, mirror_receipt ~
            -- receipt). A feed's cosignatures by its province are its receipts, as SQLite keeps them.
            ALTER TABLE feed_cosignature RENAME TO feed_receipt;
            ALTER TRIGGER feed_cosignature_kept ON feed_receipt RENAME TO feed_receipt_kept;
            ALTER TRIGGER feed_cosignature_no_truncate ON feed_receipt RENAME TO feed_receipt_no_truncate;
            """),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The statements that give a newly enrolled province its partitions and its mirror row.
    static func partitionStatements(province: String) -> [String] {
        partitionedTables.map { table in
            "CREATE TABLE IF NOT EXISTS \(table)_\(province) PARTITION OF \(table) FOR VALUES IN ('\(province)')"
        } + partitionedTables.filter { ["mirror_entry", "mirror_checkpoint", "mirror_receipt", "mirror_duplicate_change"].contains($0) }.map { table in
            "CREATE OR REPLACE TRIGGER \(table)_\(province)_no_truncate BEFORE TRUNCATE ON \(table)_\(province) FOR EACH STATEMENT EXECUTE FUNCTION creditsync_kept()"
        }
    }
}
