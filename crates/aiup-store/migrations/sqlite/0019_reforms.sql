-- aiup store, SQLite backend: reform drafts and the population basis they are compared on
-- (issue 12, item 5).
--
-- `reform_drafts` is append-only: a new version of a draft is a new row with the same name and
-- the next version number. Overrides are the JSON list `aiup_core::policy::Override` reads.
--
-- `reform_basis` is derived data, replaced as a whole by a refresh: one row per enrolment with
-- its case inputs (independent of any policy version) and its counted unit periods packed in a
-- BLOB (`aiup_rules::reform::pack_periods`: 8 bytes a period). `reform_basis_meta` (one row)
-- says when it was refreshed and under which policy version the periods were counted.

CREATE TABLE reform_drafts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    version          INTEGER NOT NULL CHECK (version >= 1),
    description      TEXT    NOT NULL CHECK (length(description) <= 1000),
    overrides        TEXT    NOT NULL,
    based_on_policy  TEXT    NOT NULL,
    author           TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    UNIQUE (name, version)
);

CREATE TRIGGER reform_drafts_no_update BEFORE UPDATE ON reform_drafts
BEGIN
    SELECT RAISE(ABORT, 'reform_drafts is append-only: UPDATE refused');
END;

CREATE TRIGGER reform_drafts_no_delete BEFORE DELETE ON reform_drafts
BEGIN
    SELECT RAISE(ABORT, 'reform_drafts is append-only: DELETE refused');
END;

CREATE TABLE reform_basis (
    enrolment_id          INTEGER PRIMARY KEY,
    programme             TEXT    NOT NULL,
    region                TEXT    NOT NULL,
    province              TEXT    NOT NULL,
    start_date            TEXT    NOT NULL,
    end_date              TEXT    NOT NULL,
    total_hours_tenths    INTEGER NOT NULL CHECK (total_hours_tenths > 0),
    hours_per_day_tenths  INTEGER NOT NULL CHECK (hours_per_day_tenths > 0),
    delivery              TEXT    NOT NULL,
    fee_won               INTEGER,
    unit_price_won        INTEGER,
    ai_course             INTEGER NOT NULL,
    self_payment_rate_bp  INTEGER,
    provision             TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    employer_size         TEXT,
    exempt_group          INTEGER NOT NULL,
    vulnerable_group      INTEGER NOT NULL,
    sandaetuk_repeat      INTEGER NOT NULL,
    periods               BLOB    NOT NULL CHECK (length(periods) % 8 = 0)
);

CREATE TABLE reform_basis_meta (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    refreshed_at    TEXT    NOT NULL,
    counted_until   TEXT    NOT NULL,
    policy_version  TEXT    NOT NULL,
    enrolments      INTEGER NOT NULL,
    periods         INTEGER NOT NULL
);
